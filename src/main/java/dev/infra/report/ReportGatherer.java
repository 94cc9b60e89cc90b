package dev.infra.report;

import dev.infra.apply.HostCommands;
import dev.infra.fleet.Fleet;
import dev.infra.inventory.Host;
import dev.infra.nats.JobStream;
import dev.infra.nats.NatsAdmin;
import dev.infra.observe.ProbeCommands;
import dev.infra.plan.Plan;
import dev.infra.ssh.Background;
import dev.infra.ssh.ExecResult;
import dev.infra.verify.CheckResult;
import dev.infra.verify.CheckRunner;
import dev.infra.verify.FleetChecks;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Reads what the report shows, all at once and within one bound (verify's timeout): verify's checks,
 * each host's state (for its services and drift), its last audit line, and the job streams. A part
 * that fails or runs out of time is named in the report; the rest is still shown.
 */
public final class ReportGatherer {
    private ReportGatherer() {}

    public static FleetReport gather(Fleet f, List<Host> hosts, Duration bound) {
        long start = System.nanoTime();
        long deadline = start + bound.plusSeconds(5).toNanos();
        List<String> unread = new ArrayList<>();
        CompletableFuture<List<CheckResult>> checks = async(() -> CheckRunner.run(new FleetChecks(f, bound).checks(hosts), bound.plusSeconds(5)));
        CompletableFuture<List<Fleet.Observation>> observations = async(() -> f.observe(hosts));
        CompletableFuture<Map<String, String>> audit = async(() -> {
            Map<String, String> out = new LinkedHashMap<>();
            List<Optional<String>> lines = f.forEach(hosts, h -> {
                try {
                    ExecResult r = f.remote(h).run(ProbeCommands.lastAudit(HostCommands.AUDIT_LOG), bound);
                    return r.ok() ? Optional.of(r.stdout()) : Optional.<String>empty();
                } catch (RuntimeException e) {
                    return Optional.<String>empty();
                }
            });
            for (int i = 0; i < hosts.size(); i++) {
                String host = hosts.get(i).name();
                lines.get(i).ifPresent(v -> out.put(host, v));
            }
            return out;
        });
        CompletableFuture<List<JobStream>> streams = async(() -> {
            try (NatsAdmin admin = f.jetStream(bound)) {
                return admin.streams();
            } catch (IOException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        });

        List<CheckResult> results = await(checks, deadline, "verify's checks", unread).orElse(List.of());
        Optional<List<Fleet.Observation>> observed = await(observations, deadline, "the hosts' state (services, drift)", unread);
        Map<String, Fleet.Observation> byHost = new LinkedHashMap<>();
        observed.ifPresent(os -> os.forEach(o -> byHost.put(o.host().name(), o)));
        Optional<Plan> plan = observed.flatMap(os -> await(async(() -> f.plan(os)), deadline, "the plan (drift)", unread));
        Map<String, String> audits = await(audit, deadline, "the audit logs (last apply)", unread).orElse(Map.of());
        List<String> natsError = new ArrayList<>();
        Optional<List<JobStream>> jobStreams = await(streams, deadline, "JetStream (the job streams)", natsError);
        unread.addAll(natsError);
        return FleetReports.build(new FleetReports.Facts(f.inventory().file().toString(), hosts, f::desired, f.inventory().policy(),
                results, byHost, plan, audits, jobStreams, natsError.stream().findFirst(), unread, Instant.now(),
                Duration.ofNanos(System.nanoTime() - start)));
    }

    private static <T> CompletableFuture<T> async(Supplier<T> work) {
        return CompletableFuture.supplyAsync(work, Background.THREAD_PER_TASK);
    }

    /** The part's value, or empty with why in {@code unread}: it failed, or did not finish before the deadline. */
    private static <T> Optional<T> await(CompletableFuture<T> part, long deadline, String what, List<String> unread) {
        try {
            return Optional.of(part.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            unread.add(what + ": not read within the time allowed (--timeout)");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof IllegalStateException && e.getCause().getCause() != null ? e.getCause().getCause() : e.getCause();
            unread.add(what + ": " + cause.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            unread.add(what + ": interrupted");
        }
        return Optional.empty();
    }
}
