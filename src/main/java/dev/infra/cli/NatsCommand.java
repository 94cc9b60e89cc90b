package dev.infra.cli;

import dev.infra.fleet.Fleet;
import dev.infra.inventory.Host;
import dev.infra.inventory.Inventory;
import dev.infra.inventory.Role;
import dev.infra.nats.JetStreamAnalysis;
import dev.infra.nats.JobProgress;
import dev.infra.nats.JobStream;
import dev.infra.nats.NatsAdmin;
import dev.infra.units.Durations;
import io.nats.client.Dispatcher;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "nats", mixinStandardHelpOptions = true,
        description = {"Operate JetStream through the jump host (an SSH tunnel to the NATS host; no port needs to be public),",
                "with the inventory's jetstream_policy and the app's naming (job_{id}, job-{id}-consumer)."},
        subcommands = {NatsCommand.Streams.class, NatsCommand.Consumers.class, NatsCommand.DeadLetters.class,
                NatsCommand.Prune.class, NatsCommand.Watch.class})
final class NatsCommand implements Runnable {
    @ParentCommand
    InfraCommand parent;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** What a nats subcommand works with: the fleet (for the SSH connection) and a JetStream session. */
    record Session(Fleet fleet, NatsAdmin admin, Inventory inventory) {}

    interface Action {
        int run(Session s, PrintWriter out) throws IOException;
    }

    static int withNats(InfraCommand parent, CommandSpec spec, Action action) {
        try (Fleet f = FleetOptions.open(parent.global, 4)) {
            Host nats = f.inventory().hostsWith(Role.NATS).stream().findFirst()
                    .orElseThrow(() -> new UserError("the inventory has no NATS host"));
            try (NatsAdmin admin = new NatsAdmin(f.remote(nats), f.inventory(), f.secrets(), Duration.ofSeconds(10))) {
                return action.run(new Session(f, admin, f.inventory()), spec.commandLine().getOut());
            }
        } catch (IOException e) {
            throw new UserError(e.getMessage());
        }
    }

    static String ago(Optional<Instant> t, Instant now) {
        return t.map(x -> human(Duration.between(x, now)) + " ago").orElse("never");
    }

    static String human(Duration d) {
        long s = Math.max(0, d.toSeconds());
        return s < 120 ? s + "s" : s < 7200 ? (s / 60) + "m" : s < 172800 ? (s / 3600) + "h" : (s / 86400) + "d";
    }

    @Command(name = "streams", mixinStandardHelpOptions = true, description = "Streams with job id, age, size, consumers, last activity.")
    static final class Streams implements Callable<Integer> {
        @ParentCommand
        NatsCommand nats;

        @Option(names = "--stale", description = "Only stale job streams: older than max_age, or empty and idle.")
        boolean staleOnly;

        @Override
        public Integer call() {
            return withNats(nats.parent, nats.spec, (s, out) -> {
                Instant now = Instant.now();
                List<JobStream> streams = s.admin().streams();
                Map<String, String> stale = new HashMap<>();
                JetStreamAnalysis.stale(streams, s.inventory().policy(), now).forEach(x -> stale.put(x.stream().name(), x.why()));
                List<String[]> rows = new ArrayList<>();
                rows.add(new String[] {"STREAM", "JOB", "CREATED", "AGE", "MESSAGES", "BYTES", "CONSUMERS", "LAST ACTIVITY", "STALE"});
                for (JobStream js : streams) {
                    if (staleOnly && !stale.containsKey(js.name())) {
                        continue;
                    }
                    rows.add(new String[] {js.name(), js.jobId().orElse("-"), js.created().truncatedTo(ChronoUnit.SECONDS).toString(),
                            human(Duration.between(js.created(), now)), String.valueOf(js.messages()), String.valueOf(js.bytes()),
                            String.valueOf(js.consumers().size()), ago(js.lastActivity(), now), stale.getOrDefault(js.name(), "")});
                }
                HostsCommand.print(rows, out);
                out.println((rows.size() - 1) + " stream(s)" + (staleOnly ? " stale" : ", " + stale.size() + " stale"));
                return ExitCodes.OK;
            });
        }
    }

    @Command(name = "consumers", mixinStandardHelpOptions = true, description = "Consumer state against jetstream_policy.")
    static final class Consumers implements Callable<Integer> {
        @ParentCommand
        NatsCommand nats;

        @Option(names = "--stream", paramLabel = "S", description = "Only this stream.")
        String stream;

        @Override
        public Integer call() {
            return withNats(nats.parent, nats.spec, (s, out) -> {
                Instant now = Instant.now();
                var policy = s.inventory().policy();
                List<String[]> rows = new ArrayList<>();
                rows.add(new String[] {"STREAM", "CONSUMER", "PENDING", "ACK PENDING", "REDELIVERED", "WAITING", "DELIVERED",
                        "ACK FLOOR", "LAST ACTIVE", "MAX DELIVER", "ACK WAIT", "POLICY"});
                for (JobStream js : s.admin().streams()) {
                    if (stream != null && !stream.equals(js.name())) {
                        continue;
                    }
                    for (JobStream.Consumer c : js.consumers()) {
                        boolean job = js.jobId().map(id -> policy.naming().consumerFor(id).equals(c.name())).orElse(false);
                        String verdict = !job ? "-" : c.maxDeliver() == policy.maxDeliver() && c.ackWait().equals(policy.ackWait())
                                ? "ok" : "differs (policy max_deliver " + policy.maxDeliver() + ", ack_wait " + Durations.format(policy.ackWait()) + ")";
                        rows.add(new String[] {js.name(), c.name(), String.valueOf(c.numPending()), String.valueOf(c.numAckPending()),
                                String.valueOf(c.numRedelivered()), String.valueOf(c.numWaiting()), String.valueOf(c.deliveredStreamSeq()),
                                String.valueOf(c.ackFloorStreamSeq()), ago(c.lastActive(), now), String.valueOf(c.maxDeliver()),
                                Durations.format(c.ackWait()), verdict});
                    }
                }
                HostsCommand.print(rows, out);
                return ExitCodes.OK;
            });
        }
    }

    @Command(name = "dead-letters", mixinStandardHelpOptions = true,
            description = {"Messages that exhausted max_deliver: from consumer state (nothing pending or in flight, ack floor",
                    "below the last sequence) and from MAX_DELIVERIES advisories. --watch follows new ones live."})
    static final class DeadLetters implements Callable<Integer> {
        @ParentCommand
        NatsCommand nats;

        @Option(names = "--job", paramLabel = "ID", description = "Only this job.")
        String job;

        @Option(names = "--watch", description = "After the report, print each new MAX_DELIVERIES advisory as it happens (Ctrl-C stops).")
        boolean watch;

        @Option(names = "--for", paramLabel = "DURATION", hidden = true, description = "Stop watching after this long (for scripts).")
        String watchFor;

        @Override
        public Integer call() {
            return withNats(nats.parent, nats.spec, (s, out) -> {
                var naming = s.inventory().policy().naming();
                List<JobStream> streams = s.admin().streams().stream()
                        .filter(js -> job == null || js.name().equals(naming.streamFor(job))).toList();
                List<NatsAdmin.Advisory> advisories = s.admin().advisories().stream()
                        .filter(a -> job == null || a.stream().equals(naming.streamFor(job))).toList();
                List<String[]> rows = new ArrayList<>();
                rows.add(new String[] {"JOB", "STREAM", "CONSUMER", "STREAM SEQ", "DELIVERIES", "SOURCE"});
                for (NatsAdmin.Advisory a : advisories) {
                    rows.add(new String[] {JetStreamAnalysis.jobId(a.stream(), naming).orElse("-"), a.stream(), a.consumer(),
                            String.valueOf(a.streamSeq()), String.valueOf(a.deliveries()), "advisory " + a.timestamp()});
                }
                for (JetStreamAnalysis.DeadLetters d : JetStreamAnalysis.deadLetters(streams, naming, Map.of())) {
                    long first = d.consumer().ackFloorStreamSeq() + 1;
                    rows.add(new String[] {d.stream().jobId().orElse("-"), d.stream().name(), d.consumer().name(),
                            // The first message past the ack floor is exactly the first dead one; acks beyond it are
                            // not visible in consumer state, so further dead ones are "up to".
                            String.valueOf(first),
                            String.valueOf(d.consumer().maxDeliver()),
                            "consumer state: ack floor " + d.consumer().ackFloorStreamSeq() + ", last seq " + d.stream().lastSeq()
                                    + ", nothing pending" + (d.count() > 1 ? "; up to " + d.count() + " dead through seq " + d.stream().lastSeq() : "")});
                }
                if (rows.size() == 1) {
                    out.println("No dead letters" + (job == null ? "." : " for job " + job + "."));
                } else {
                    HostsCommand.print(rows, out);
                }
                out.flush();
                if (watch) {
                    follow(s, out, naming.streamFor(job == null ? "*" : job));
                }
                return rows.size() == 1 ? ExitCodes.OK : ExitCodes.CHANGES;
            });
        }

        private void follow(Session s, PrintWriter out, String stream) {
            String subject = "$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES." + (job == null ? ">" : stream + ".*");
            out.println("Watching " + subject + " (Ctrl-C to stop) …");
            out.flush();
            Dispatcher d = s.admin().connection().createDispatcher(msg -> {
                try {
                    NatsAdmin.Advisory a = NatsAdmin.Advisory.parse(msg.getData());
                    synchronized (out) {
                        out.println(Instant.now().truncatedTo(ChronoUnit.SECONDS) + " DEAD " + a.stream() + "/" + a.consumer()
                                + " stream seq " + a.streamSeq() + " after " + a.deliveries() + " deliveries");
                        out.flush();
                    }
                } catch (IOException e) {
                    out.println("unreadable advisory: " + e.getMessage());
                }
            });
            d.subscribe(subject);
            sleep(watchFor == null ? Duration.ofDays(3650) : Durations.parse(watchFor));
        }
    }

    @Command(name = "prune", mixinStandardHelpOptions = true,
            description = {"Delete stale job streams, with their job consumer and DLQ consumer. A dry run unless --yes.",
                    "Never deletes a stream whose consumer was active within the threshold."})
    static final class Prune implements Callable<Integer> {
        @ParentCommand
        NatsCommand nats;

        @Option(names = "--older-than", paramLabel = "DURATION", description = "Age threshold (default: jetstream_policy.max_age).")
        String olderThan;

        @Option(names = "--empty", description = "Also empty job streams idle for longer than ack_wait (the orphans of failed jobs).")
        boolean empty;

        @Option(names = {"-y", "--yes"}, description = "Delete; without it, only list what would go and why.")
        boolean yes;

        @Override
        public Integer call() {
            return withNats(nats.parent, nats.spec, (s, out) -> {
                var policy = s.inventory().policy();
                Duration threshold = olderThan == null ? policy.maxAge() : Durations.parse(olderThan);
                Instant now = Instant.now();
                List<JobStream> candidates = new ArrayList<>();
                Map<String, String> why = new LinkedHashMap<>();
                for (JobStream js : s.admin().streams()) {
                    if (js.jobId().isEmpty()) {
                        continue;
                    }
                    Optional<Instant> last = js.lastActivity();
                    boolean oldEnough = Duration.between(js.created(), now).compareTo(threshold) > 0;
                    boolean recentlyActive = last.isPresent() && Duration.between(last.get(), now).compareTo(threshold) <= 0;
                    // A job created a moment ago is empty too: only streams older than ack_wait can be orphans.
                    boolean emptyIdle = js.messages() == 0 && Duration.between(js.created(), now).compareTo(policy.ackWait()) > 0
                            && (last.isEmpty() || Duration.between(last.get(), now).compareTo(policy.ackWait()) > 0);
                    if (oldEnough && !recentlyActive) {
                        why.put(js.name(), "older than " + Durations.format(threshold) + " (" + human(Duration.between(js.created(), now))
                                + "), last activity " + ago(last, now));
                    } else if (empty && emptyIdle) {
                        why.put(js.name(), "empty, last activity " + ago(last, now));
                    } else {
                        continue;
                    }
                    candidates.add(js);
                }
                if (candidates.isEmpty()) {
                    out.println("Nothing to prune.");
                    return ExitCodes.OK;
                }
                out.println((yes ? "Deleting " : "Would delete ") + candidates.size() + " job stream(s) (with their consumers and DLQ consumers):");
                for (JobStream js : candidates) {
                    out.println("  - " + js.name() + ": " + why.get(js.name()));
                }
                if (!yes) {
                    out.println("Dry run: nothing was deleted. Run again with --yes to delete them.");
                    return ExitCodes.OK;
                }
                int deleted = 0;
                for (JobStream js : candidates) {
                    deleted += s.admin().deleteJob(js.name(), js.jobId()).contains(js.name()) ? 1 : 0;
                }
                out.println("Deleted " + deleted + " job stream(s).");
                return deleted == candidates.size() ? ExitCodes.OK : ExitCodes.ERROR;
            });
        }
    }

    @Command(name = "watch", mixinStandardHelpOptions = true,
            description = "Per active job: stalls (no task picked up within --stall) and an estimated time to completion.")
    static final class Watch implements Callable<Integer> {
        @ParentCommand
        NatsCommand nats;

        @Option(names = "--stall", defaultValue = "10m", paramLabel = "DURATION", description = "No pickup for this long is a stall (default: ${DEFAULT-VALUE}).")
        String stall;

        @Option(names = "--interval", defaultValue = "30s", paramLabel = "DURATION", description = "Time between looks (default: ${DEFAULT-VALUE}).")
        String interval;

        @Option(names = "--for", paramLabel = "DURATION", description = "Stop after this long (default: until Ctrl-C).")
        String runFor;

        @Override
        public Integer call() {
            Duration stallAfter = Durations.parse(stall);
            Duration every = Durations.parse(interval);
            Instant until = runFor == null ? Instant.MAX : Instant.now().plus(Durations.parse(runFor));
            return withNats(nats.parent, nats.spec, (s, out) -> {
                var naming = s.inventory().policy().naming();
                Map<String, JobProgress.Sample> previous = new HashMap<>();
                boolean stalled = false;
                while (true) {
                    Instant now = Instant.now();
                    List<String> lines = new ArrayList<>();
                    for (JobStream js : s.admin().streams()) {
                        if (js.jobId().isEmpty()) {
                            continue;
                        }
                        Optional<JobStream.Consumer> c = js.consumer(naming.consumerFor(js.jobId().get()));
                        if (c.isEmpty()) {
                            continue;
                        }
                        JobProgress.Verdict v = JobProgress.assess(js, c.get(), Optional.ofNullable(previous.get(js.name())), now, stallAfter);
                        previous.put(js.name(), new JobProgress.Sample(now, c.get().ackFloorStreamSeq()));
                        if (v.active()) {
                            lines.add("  job " + js.jobId().get() + ": " + v.text());
                            stalled |= v.stalled();
                        }
                    }
                    out.println(now.truncatedTo(ChronoUnit.SECONDS) + " " + (lines.isEmpty() ? "no active jobs" : lines.size() + " active job(s)"));
                    lines.forEach(out::println);
                    out.flush();
                    if (Instant.now().plus(every).isAfter(until)) {
                        return stalled ? ExitCodes.CHANGES : ExitCodes.OK;
                    }
                    sleep(every);
                }
            });
        }
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(Math.min(d.toMillis(), Long.MAX_VALUE / 2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
