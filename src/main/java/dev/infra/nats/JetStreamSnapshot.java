package dev.infra.nats;

import java.util.List;

/**
 * What JetStream holds, reduced to what must survive a move of its store: every stream's messages
 * and sequences, every consumer's delivered and acknowledged positions and its outstanding work.
 */
public record JetStreamSnapshot(List<StreamState> streams) {

    public record StreamState(String name, long messages, long firstSeq, long lastSeq, List<ConsumerState> consumers) {}

    public record ConsumerState(String name, long deliveredStreamSeq, long ackFloorStreamSeq, long numPending, long numAckPending) {
        /** Tasks still to do: waiting for delivery, or delivered and not acknowledged yet. */
        public long outstanding() {
            return numPending + numAckPending;
        }
    }

    public static JetStreamSnapshot of(List<JobStream> streams) {
        return new JetStreamSnapshot(streams.stream().map(s -> new StreamState(s.name(), s.messages(), s.firstSeq(), s.lastSeq(),
                s.consumers().stream().map(c -> new ConsumerState(c.name(), c.deliveredStreamSeq(), c.ackFloorStreamSeq(),
                        c.numPending(), c.numAckPending())).toList())).toList());
    }

    public long messages() {
        return streams.stream().mapToLong(StreamState::messages).sum();
    }

    /** "stream/consumer (N pending, M unacknowledged, ack floor F)" for every consumer with work left. */
    public List<String> work() {
        return streams.stream().flatMap(s -> s.consumers().stream().filter(c -> c.outstanding() > 0)
                .map(c -> s.name() + "/" + c.name() + " (" + c.numPending() + " pending, " + c.numAckPending()
                        + " unacknowledged, ack floor " + c.ackFloorStreamSeq() + ")")).toList();
    }
}
