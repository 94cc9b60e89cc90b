package dev.infra.nats;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A stream and its consumers as JetStream reports them, reduced to what triage needs. Plain data. */
public record JobStream(String name, Optional<String> jobId, Instant created, long messages, long bytes,
                        long firstSeq, long lastSeq, Optional<Instant> lastMessage, List<Consumer> consumers) {

    /**
     * @param lastDelivered when a task was last handed to a worker (empty: never)
     * @param lastActive    the latest of a delivery and an ack
     */
    public record Consumer(String name, long numPending, long numAckPending, long numRedelivered, long numWaiting,
                           long deliveredStreamSeq, long ackFloorStreamSeq, Optional<Instant> lastDelivered,
                           Optional<Instant> lastActive, long maxDeliver, Duration ackWait) {}

    /** The latest sign of life: a message stored, a delivery, an ack. */
    public Optional<Instant> lastActivity() {
        Optional<Instant> last = lastMessage;
        for (Consumer c : consumers) {
            if (c.lastActive().isPresent() && (last.isEmpty() || c.lastActive().get().isAfter(last.get()))) {
                last = c.lastActive();
            }
        }
        return last;
    }

    public Optional<Consumer> consumer(String name) {
        return consumers.stream().filter(c -> c.name().equals(name)).findFirst();
    }
}
