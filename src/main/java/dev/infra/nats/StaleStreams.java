package dev.infra.nats;

import dev.infra.inventory.JetStreamPolicy;
import dev.infra.units.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which job streams are stale: the one rule behind `nats streams --stale`, `nats prune` and verify's
 * `streams` check. Pure: streams, criteria and "now" in; the stale ones, each with why, out.
 *
 * A job stream is stale when it is
 * <ul>
 *   <li>older than {@code olderThan} (the policy's max_age unless `--older-than` says otherwise) and
 *       nothing happened on it within that time — a stream whose consumer was active since is a job
 *       still running, never stale; or</li>
 *   <li>empty and idle: nothing stored, and no delivery or ack for longer than ack_wait, and itself
 *       older than ack_wait (a job created a moment ago is empty too) — the orphans failed and hung
 *       jobs leave behind.</li>
 * </ul>
 */
public final class StaleStreams {
    private StaleStreams() {}

    /** @param idleFor how long an empty stream must be idle to be an orphan (the policy's ack_wait) */
    public record Criteria(Duration olderThan, Duration idleFor) {
        public static Criteria of(JetStreamPolicy policy) {
            return new Criteria(policy.maxAge(), policy.ackWait());
        }

        /** The policy's criteria with another age threshold (`nats prune --older-than`). */
        public static Criteria of(JetStreamPolicy policy, Optional<Duration> olderThan) {
            return new Criteria(olderThan.orElse(policy.maxAge()), policy.ackWait());
        }
    }

    /** @param outstanding the job's tasks still to do: pending delivery or delivered and unacknowledged */
    public record Stale(JobStream stream, String why, long outstanding) {
        public boolean holdsWork() {
            return outstanding > 0;
        }
    }

    /** Tasks the job's consumers still owe: what deleting the stream would lose. */
    static long outstanding(JobStream s) {
        return s.consumers().stream().mapToLong(c -> c.numPending() + c.numAckPending()).sum();
    }

    public static List<Stale> find(List<JobStream> streams, Criteria criteria, Instant now) {
        List<Stale> out = new ArrayList<>();
        for (JobStream s : streams) {
            if (s.jobId().isEmpty()) {
                continue;
            }
            Duration age = Duration.between(s.created(), now);
            Optional<Instant> last = s.lastActivity();
            boolean activeWithinAge = last.isPresent() && Duration.between(last.get(), now).compareTo(criteria.olderThan()) <= 0;
            boolean idle = last.isEmpty() || Duration.between(last.get(), now).compareTo(criteria.idleFor()) > 0;
            if (age.compareTo(criteria.olderThan()) > 0 && !activeWithinAge) {
                out.add(new Stale(s, "older than " + human(criteria.olderThan()) + " (" + human(age) + "), last activity "
                        + last.map(t -> human(Duration.between(t, now)) + " ago").orElse("never"), outstanding(s)));
            } else if (s.messages() == 0 && idle && age.compareTo(criteria.idleFor()) > 0) {
                out.add(new Stale(s, "empty and idle" + last.map(t -> " since " + t).orElse(" (never used)"), outstanding(s)));
            }
        }
        return out;
    }

    private static String human(Duration d) {
        return Durations.format(d.withNanos(0));
    }
}
