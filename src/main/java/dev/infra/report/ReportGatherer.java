package dev.infra.report;

import dev.infra.apply.HostCommands;
import dev.infra.diag.Messages;
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
    static final Duration PLAN_TIME = Duration.ofSeconds(5);

    private ReportGatherer() {}

    public static FleetReport gather(Fleet f, List<Host> hosts, Duration bound) {
        long start = System.nanoTime();
        // The checks run within the bound itself; everything is awaited until the bound and a margin.
        long deadline = start + bound.plusSeconds(5).toNanos();
        List<String> unread = new ArrayList<>();
        // Per host, so that one host that hangs costs only its own state and audit line. The one read of a
        // host serves its drift and verify's service and env checks alike.
        Map<Host, CompletableFuture<Fleet.Observation>> states = new LinkedHashMap<>();
        Map<Host, CompletableFuture<String>> audits = new LinkedHashMap<>();
        for (Host h : hosts) {
            states.put(h, async(() -> f.observe(List.of(h)).get(0)));
        }
        CompletableFuture<List<CheckResult>> checks = async(() -> CheckRunner.run(new FleetChecks(f, bound, h -> states.get(h).join())
                .checks(hosts), bound));
        for (Host h : hosts) {
            audits.put(h, async(() -> {
                ExecResult r = f.remote(h).run(ProbeCommands.lastAudit(HostCommands.AUDIT_LOG), bound);
                if (!r.ok()) {
                    throw new IllegalStateException(r.reason());
                }
                return r.stdout();
            }));
        }
        CompletableFuture<List<JobStream>> streams = async(() -> {
            try (NatsAdmin admin = f.jetStream(bound)) {
                return admin.streams();
            } catch (IOException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        });

        List<CheckResult> results = await(checks, deadline, "verify's checks", unread).orElse(List.of());
        Map<String, Fleet.Observation> byHost = new LinkedHashMap<>();
        List<String> slow = new ArrayList<>();
        states.forEach((h, part) -> await(part, deadline, h.name(), slow).ifPresent(o -> byHost.put(h.name(), o)));
        if (!slow.isEmpty()) {
            unread.add("the state (services, drift) of " + String.join("; ", slow));
        }
        // The plan is local work on what was read (and, for a NATS change, a look at its store): it gets its own few seconds.
        Optional<Plan> plan = byHost.isEmpty() ? Optional.empty()
                : await(async(() -> f.plan(List.copyOf(byHost.values()))), Math.max(deadline, System.nanoTime() + PLAN_TIME.toNanos()),
                "the plan (drift)", unread);
        Map<String, String> lastApplies = new LinkedHashMap<>();
        audits.forEach((h, part) -> await(part, deadline, h.name(), new ArrayList<>()).ifPresent(a -> lastApplies.put(h.name(), a)));
        List<String> natsError = new ArrayList<>();
        Optional<List<JobStream>> jobStreams = await(streams, deadline, "JetStream (the job streams)", natsError);
        unread.addAll(natsError);
        return FleetReports.build(new FleetReports.Facts(f.inventory().file().toString(), hosts, f::desired, f.inventory().policy(),
                results, byHost, plan, lastApplies, jobStreams, natsError.stream().findFirst(), unread, Instant.now(),
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
            unread.add(what + ": " + Messages.of(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            unread.add(what + ": interrupted");
        }
        return Optional.empty();
    }
}
