package dev.infra.view;

import dev.infra.inventory.JetStreamPolicy;
import dev.infra.nats.JetStreamAnalysis;
import dev.infra.nats.JobStream;
import dev.infra.nats.NatsAdmin;
import dev.infra.nats.StaleStreams;
import dev.infra.units.Durations;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** The tables of `infra nats …`: streams, consumers, dead letters, what prune would delete. */
public final class JetStreamViews {
    private JetStreamViews() {}

    public static String ago(Optional<Instant> t, Instant now) {
        return t.map(x -> human(Duration.between(x, now)) + " ago").orElse("never");
    }

    public static String human(Duration d) {
        long s = Math.max(0, d.toSeconds());
        return s < 120 ? s + "s" : s < 7200 ? (s / 60) + "m" : s < 172800 ? (s / 3600) + "h" : (s / 86400) + "d";
    }

    /** Every stream, or only the stale ones; the last line counts them. */
    public static void streams(List<JobStream> streams, List<StaleStreams.Stale> stale, boolean staleOnly, Instant now, PrintWriter out) {
        Map<String, String> why = stale.stream().collect(Collectors.toMap(s -> s.stream().name(), StaleStreams.Stale::why));
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"STREAM", "JOB", "CREATED", "AGE", "MESSAGES", "BYTES", "CONSUMERS", "LAST ACTIVITY", "STALE"});
        for (JobStream js : streams) {
            if (staleOnly && !why.containsKey(js.name())) {
                continue;
            }
            rows.add(new String[] {js.name(), js.jobId().orElse("-"), js.created().truncatedTo(ChronoUnit.SECONDS).toString(),
                    human(Duration.between(js.created(), now)), String.valueOf(js.messages()), String.valueOf(js.bytes()),
                    String.valueOf(js.consumers().size()), ago(js.lastActivity(), now), why.getOrDefault(js.name(), "")});
        }
        Table.print(rows, out);
        out.println((rows.size() - 1) + " stream(s)" + (staleOnly ? " stale" : ", " + stale.size() + " stale"));
    }

    public static void consumers(List<JobStream> streams, JetStreamPolicy policy, Instant now, PrintWriter out) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"STREAM", "CONSUMER", "PENDING", "ACK PENDING", "REDELIVERED", "WAITING", "DELIVERED",
                "ACK FLOOR", "LAST ACTIVE", "MAX DELIVER", "ACK WAIT", "POLICY"});
        for (JobStream js : streams) {
            for (JobStream.Consumer c : js.consumers()) {
                String verdict = !JetStreamAnalysis.isJobConsumer(js, c, policy.naming()) ? "-"
                        : JetStreamAnalysis.policyMismatch(c, policy).map(d -> "differs: " + d).orElse("ok");
                rows.add(new String[] {js.name(), c.name(), String.valueOf(c.numPending()), String.valueOf(c.numAckPending()),
                        String.valueOf(c.numRedelivered()), String.valueOf(c.numWaiting()), String.valueOf(c.deliveredStreamSeq()),
                        String.valueOf(c.ackFloorStreamSeq()), ago(c.lastActive(), now), String.valueOf(c.maxDeliver()),
                        Durations.format(c.ackWait()), verdict});
            }
        }
        Table.print(rows, out);
    }

    /** Dead letters from advisories (exact) and from consumer state; false when there are none. */
    public static boolean deadLetters(List<NatsAdmin.Advisory> advisories, List<JetStreamAnalysis.DeadLetters> fromState,
                                      JetStreamPolicy.Naming naming, Optional<String> job, PrintWriter out) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"JOB", "STREAM", "CONSUMER", "STREAM SEQ", "DELIVERIES", "SOURCE"});
        for (NatsAdmin.Advisory a : advisories) {
            rows.add(new String[] {JetStreamAnalysis.jobId(a.stream(), naming).orElse("-"), a.stream(), a.consumer(),
                    String.valueOf(a.streamSeq()), String.valueOf(a.deliveries()), "advisory " + a.timestamp()});
        }
        for (JetStreamAnalysis.DeadLetters d : fromState) {
            long first = d.consumer().ackFloorStreamSeq() + 1;
            rows.add(new String[] {d.stream().jobId().orElse("-"), d.stream().name(), d.consumer().name(),
                    // The first message past the ack floor is exactly the first dead one; acks beyond it are
                    // not visible in consumer state, so further dead ones are "up to".
                    String.valueOf(first),
                    // Consumer state does not count deliveries per message: a dead one had max_deliver of them.
                    d.consumer().maxDeliver() + " (max_deliver)",
                    "consumer state: ack floor " + d.consumer().ackFloorStreamSeq() + ", last seq " + d.stream().lastSeq()
                            + ", nothing pending" + (d.count() > 1 ? "; up to " + d.count() + " dead through seq " + d.stream().lastSeq() : "")});
        }
        if (rows.size() == 1) {
            out.println("No dead letters" + job.map(j -> " for job " + j + ".").orElse("."));
            return false;
        }
        Table.print(rows, out);
        return true;
    }

    /** Stale streams prune leaves because their job still owes tasks. */
    public static void keptList(List<StaleStreams.Stale> kept, PrintWriter out) {
        out.println("Keeping " + kept.size() + " stale job stream(s) whose job still has work (--include-pending deletes them too):");
        for (StaleStreams.Stale s : kept) {
            out.println("  - " + s.stream().name() + ": " + s.why() + "; " + s.outstanding() + " task(s) pending or unacknowledged");
        }
    }

    /** What prune deletes (or would), each with why. */
    public static void pruneList(List<StaleStreams.Stale> stale, boolean deleting, PrintWriter out) {
        out.println((deleting ? "Deleting " : "Would delete ") + stale.size() + " job stream(s) (with their consumers and DLQ consumers):");
        for (StaleStreams.Stale s : stale) {
            out.println("  - " + s.stream().name() + ": " + s.why());
        }
    }
}
