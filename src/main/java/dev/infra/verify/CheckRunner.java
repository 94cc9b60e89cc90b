package dev.infra.verify;

import dev.infra.diag.Messages;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Runs every check at once, each bounded by its own timeout and all by the run's: a check that
 * hangs is reported at its deadline and never holds up the others (the lesson of the beat task
 * that polled processing services serially until workers were SIGKILLed).
 */
public final class CheckRunner {
    private CheckRunner() {}

    public static List<CheckResult> run(List<Check> checks, Duration overall) {
        return run(checks, overall, done -> { });
    }

    /** As {@link #run(List, Duration)}, telling {@code onDone} how many checks have finished each time one does. */
    public static List<CheckResult> run(List<Check> checks, Duration overall, IntConsumer onDone) {
        AtomicInteger finished = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(checks.size(), 64)), r -> {
            Thread t = new Thread(r, "check");
            t.setDaemon(true);
            return t;
        });
        long start = System.nanoTime();
        long overallDeadline = start + overall.toNanos();
        Map<Check, Future<CheckResult.Outcome>> futures = new LinkedHashMap<>();
        Map<Check, Long> started = new LinkedHashMap<>();
        for (Check c : checks) {
            started.put(c, System.nanoTime());
            futures.put(c, pool.submit(() -> {
                try {
                    return c.body().call();
                } finally {
                    synchronized (finished) {   // counts reach onDone in order, and none after run() returned
                        if (finished.get() >= 0) {
                            onDone.accept(finished.incrementAndGet());
                        }
                    }
                }
            }));
        }
        List<CheckResult> results = new ArrayList<>();
        try {
            for (Map.Entry<Check, Future<CheckResult.Outcome>> e : futures.entrySet()) {
                Check c = e.getKey();
                long own = started.get(c) + c.timeout().toNanos();
                long deadline = Math.min(own, overallDeadline);
                long wait = Math.max(0, deadline - System.nanoTime());
                CheckResult.Outcome outcome;
                try {
                    outcome = e.getValue().get(wait, TimeUnit.NANOSECONDS);
                } catch (TimeoutException te) {
                    e.getValue().cancel(true);
                    boolean ownTimeout = own <= overallDeadline;
                    outcome = new CheckResult.Outcome(ownTimeout ? c.timeoutStatus() : Status.UNKNOWN,
                            "no answer within " + seconds(ownTimeout ? c.timeout() : overall),
                            ownTimeout ? "" : "raise --timeout, or look at this host first");
                } catch (ExecutionException ee) {
                    Throwable cause = ee.getCause();
                    outcome = CheckResult.Outcome.unknown("the check could not run: " + Messages.of(cause), "");
                }
                Duration took = Duration.ofNanos(Math.min(System.nanoTime(), deadline) - started.get(c));
                results.add(new CheckResult(c.id(), c.host(), outcome.status(), outcome.message(), outcome.fix(), took));
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        } finally {
            synchronized (finished) {
                finished.set(Integer.MIN_VALUE);   // a check still unwinding after its time ran out is not reported
            }
            pool.shutdownNow();
        }
        return results;
    }

    /** "3 s", "3.5 s". */
    public static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}
