package dev.infra.nats;

import dev.infra.inventory.JetStreamPolicy;
import dev.infra.units.Durations;
import java.time.Duration;
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
            s.consumer(policy.naming().consumerFor(s.jobId().get()))
                    .flatMap(c -> policyMismatch(c, policy).map(what -> new PolicyMismatch(s, c, what)))
                    .ifPresent(out::add);
        }
        return out;
    }

    /** How a job consumer differs from the policy (max_deliver, ack_wait), if it does. */
    public static Optional<String> policyMismatch(JobStream.Consumer c, JetStreamPolicy policy) {
        List<String> diffs = new ArrayList<>();
        if (c.maxDeliver() != policy.maxDeliver()) {
            diffs.add("max_deliver " + c.maxDeliver() + " (policy " + policy.maxDeliver() + ")");
        }
        if (!c.ackWait().equals(policy.ackWait())) {
            diffs.add("ack_wait " + human(c.ackWait()) + " (policy " + human(policy.ackWait()) + ")");
        }
        return diffs.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", diffs));
    }

    /** Is this consumer the job's own (job-{id}-consumer on job_{id})? */
    public static boolean isJobConsumer(JobStream s, JobStream.Consumer c, JetStreamPolicy.Naming naming) {
        return s.jobId().map(id -> naming.consumerFor(id).equals(c.name())).orElse(false);
    }

    static String human(Duration d) {
        return Durations.format(d.withNanos(0));
    }
}
