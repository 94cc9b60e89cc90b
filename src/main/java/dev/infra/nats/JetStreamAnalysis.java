package dev.infra.nats;

import dev.infra.inventory.JetStreamPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What the seed's worst hours were spent finding by hand, decided from JetStream's own numbers.
 * Pure: streams, policy and "now" in; findings out.
 */
public final class JetStreamAnalysis {
    private JetStreamAnalysis() {}

    /** The job id a stream name carries under the app's naming (job_{id}), if it is a job stream. */
    public static Optional<String> jobId(String streamName, JetStreamPolicy.Naming naming) {
        String[] parts = naming.stream().split("\\{id}", -1);
        Pattern p = Pattern.compile(Pattern.quote(parts[0]) + "(.+)" + Pattern.quote(parts.length > 1 ? parts[1] : ""));
        var m = p.matcher(streamName);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    public record Stale(JobStream stream, String why) {}

    /**
     * Stale: older than the policy's max_age, or empty and idle (nothing stored, nothing delivered
     * or acked within ack_wait) — the orphans failed and hung jobs leave behind.
     */
    public static List<Stale> stale(List<JobStream> streams, JetStreamPolicy policy, Instant now) {
        List<Stale> out = new ArrayList<>();
        for (JobStream s : streams) {
            if (s.jobId().isEmpty()) {
                continue;
            }
            Duration age = Duration.between(s.created(), now);
            Optional<Instant> last = s.lastActivity();
            boolean idle = last.isEmpty() || Duration.between(last.get(), now).compareTo(policy.ackWait()) > 0;
            if (age.compareTo(policy.maxAge()) > 0) {
                out.add(new Stale(s, "older than max_age " + human(policy.maxAge()) + " (" + human(age) + ")"));
            } else if (s.messages() == 0 && idle && age.compareTo(policy.ackWait()) > 0) {
                out.add(new Stale(s, "empty and idle" + last.map(t -> " since " + t).orElse(" (never used)")));
            }
        }
        return out;
    }

    public record DeadLetters(JobStream stream, JobStream.Consumer consumer, long count, List<Long> sequences, String source) {}

    /**
     * A job's messages that exhausted max_deliver: nothing pending, nothing in flight, and the ack
     * floor below the stream's last sequence. With MAX_DELIVERIES advisories (the app's advisories
     * stream) the count and sequences are exact; otherwise everything past the ack floor is counted.
     */
    public static List<DeadLetters> deadLetters(List<JobStream> streams, JetStreamPolicy.Naming naming,
                                                Map<String, List<Long>> advisedSequences) {
        List<DeadLetters> out = new ArrayList<>();
        for (JobStream s : streams) {
            if (s.jobId().isEmpty()) {
                continue;
            }
            Optional<JobStream.Consumer> c = s.consumer(naming.consumerFor(s.jobId().get()));
            if (c.isEmpty()) {
                continue;
            }
            JobStream.Consumer consumer = c.get();
            boolean stalled = consumer.numPending() == 0 && consumer.numAckPending() == 0
                    && consumer.ackFloorStreamSeq() < s.lastSeq();
            List<Long> advised = advisedSequences.getOrDefault(s.name() + "." + consumer.name(), List.of());
            if (!advised.isEmpty()) {
                out.add(new DeadLetters(s, consumer, advised.size(), advised, "MAX_DELIVERIES advisories"));
            } else if (stalled) {
                List<Long> seqs = new ArrayList<>();
                for (long seq = consumer.ackFloorStreamSeq() + 1; seq <= s.lastSeq() && seqs.size() < 1000; seq++) {
                    seqs.add(seq);
                }
                out.add(new DeadLetters(s, consumer, s.lastSeq() - consumer.ackFloorStreamSeq(), seqs,
                        "consumer state (at most; acks past the floor are not visible)"));
            }
        }
        return out;
    }

    public record PolicyMismatch(JobStream stream, JobStream.Consumer consumer, String what) {}

    public static List<PolicyMismatch> policyMismatches(List<JobStream> streams, JetStreamPolicy policy) {
        List<PolicyMismatch> out = new ArrayList<>();
        for (JobStream s : streams) {
            if (s.jobId().isEmpty()) {
                continue;
            }
            s.consumer(policy.naming().consumerFor(s.jobId().get())).ifPresent(c -> {
                List<String> diffs = new ArrayList<>();
                if (c.maxDeliver() != policy.maxDeliver()) {
                    diffs.add("max_deliver " + c.maxDeliver() + " (policy " + policy.maxDeliver() + ")");
                }
                if (!c.ackWait().equals(policy.ackWait())) {
                    diffs.add("ack_wait " + human(c.ackWait()) + " (policy " + human(policy.ackWait()) + ")");
                }
                if (!diffs.isEmpty()) {
                    out.add(new PolicyMismatch(s, c, String.join(", ", diffs)));
                }
            });
        }
        return out;
    }

    static String human(Duration d) {
        return dev.infra.units.Durations.format(d.withNanos(0));
    }
}
