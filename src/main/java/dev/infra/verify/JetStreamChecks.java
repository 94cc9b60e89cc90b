package dev.infra.verify;

import dev.infra.diag.Messages;
import dev.infra.fleet.Fleet;
import dev.infra.inventory.JetStreamPolicy;
import dev.infra.nats.JetStreamAnalysis;
import dev.infra.nats.JobStream;
import dev.infra.nats.NatsAdmin;
import dev.infra.nats.StaleStreams;
import dev.infra.ssh.Background;
import dev.infra.ssh.SshException;
import dev.infra.verify.CheckResult.Outcome;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/** verify's `streams` and `consumers` checks: one JetStream read shared by both, the judgements pure. */
final class JetStreamChecks {
    private final Fleet fleet;
    private final JetStreamPolicy policy;
    private volatile CompletableFuture<View> view;

    record View(List<JobStream> streams, Map<String, List<Long>> advisories) {}

    JetStreamChecks(Fleet fleet) {
        this.fleet = fleet;
        this.policy = fleet.inventory().policy();
    }

    Outcome streams() {
        return withView(v -> {
            List<StaleStreams.Stale> stale = StaleStreams.find(v.streams(), StaleStreams.Criteria.of(policy), Instant.now());
            long jobs = v.streams().stream().filter(s -> s.jobId().isPresent()).count();
            if (stale.isEmpty()) {
                return Outcome.ok(jobs + " job stream(s), none stale");
            }
            List<String> names = stale.stream().limit(5).map(s -> s.stream().name()).toList();
            return Outcome.warn(stale.size() + " stale job stream(s) of " + jobs + " (" + String.join(", ", names)
                    + (stale.size() > 5 ? ", …" : "") + "): " + stale.get(0).why(), "infra nats prune --yes (dry run without --yes)");
        });
    }

    Outcome consumers() {
        return withView(v -> {
            List<JetStreamAnalysis.DeadLetters> dead = JetStreamAnalysis.deadLetters(v.streams(), policy.naming(), v.advisories());
            if (!dead.isEmpty()) {
                List<String> parts = dead.stream().map(d -> d.stream().name() + "/" + d.consumer().name() + ": " + d.count()
                        + " message(s) exhausted max_deliver " + d.consumer().maxDeliver() + " (stream seq "
                        + String.join(",", d.sequences().stream().limit(10).map(String::valueOf).toList()) + ")").toList();
                return Outcome.crit("dead letters — the job will hang: " + String.join("; ", parts),
                        "infra triage " + dead.get(0).stream().jobId().orElse("JOB") + " (the job needs a FAILURE status, not a wait)");
            }
            List<JetStreamAnalysis.PolicyMismatch> mismatches = JetStreamAnalysis.policyMismatches(v.streams(), policy);
            if (!mismatches.isEmpty()) {
                JetStreamAnalysis.PolicyMismatch first = mismatches.get(0);
                return Outcome.warn(mismatches.size() + " job consumer(s) differ from jetstream_policy: "
                                + first.stream().name() + "/" + first.consumer().name() + " " + first.what(),
                        "the app creates consumers: align its settings (NATS_TASK_TTR, max_deliver) with jetstream_policy");
            }
            long consumers = v.streams().stream().mapToLong(s -> s.consumers().size()).sum();
            return Outcome.ok(consumers + " consumer(s), no dead letters, all as jetstream_policy says");
        });
    }

    /** Runs {@code check} on the shared view; UNKNOWN when JetStream cannot be read at all. */
    private Outcome withView(Function<View, Outcome> check) {
        View v;
        try {
            v = view();
        } catch (RuntimeException e) {
            Throwable root = e;
            boolean transport = false;
            for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
                transport |= t instanceof IOException || t instanceof SshException || t instanceof TimeoutException;
                root = t;
            }
            if (transport) {
                return Outcome.unknown("cannot read JetStream: " + Messages.of(e), "is NATS running? see the jetstream check");
            }
            // Not NATS being away but a fault in reading it: say so, and where (a source line, for a report).
            StackTraceElement at = root.getStackTrace().length > 0 ? root.getStackTrace()[0] : null;
            return Outcome.unknown("cannot read JetStream: an unexpected fault in reading it (" + Messages.of(root)
                    + (at == null ? "" : ", at " + at.getFileName() + ":" + at.getLineNumber()) + ")",
                    "run verify again; if it stays, please report this message");
        }
        return check.apply(v);
    }

    private View view() {
        if (view == null) {
            synchronized (this) {
                if (view == null) {
                    view = CompletableFuture.supplyAsync(() -> {
                        // Any server that answers: in a cluster every one of them sees every stream.
                        try (NatsAdmin admin = fleet.jetStream(Duration.ofSeconds(5))) {
                            return new View(admin.streams(), admin.maxDeliveriesAdvisories());
                        } catch (IOException e) {
                            throw new IllegalStateException(e.getMessage(), e);
                        }
                    }, Background.THREAD_PER_TASK);
                }
            }
        }
        return view.join();
    }

}
