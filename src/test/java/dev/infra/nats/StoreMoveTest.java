package dev.infra.nats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infra.nats.JetStreamSnapshot.ConsumerState;
import dev.infra.nats.JetStreamSnapshot.StreamState;
import dev.infra.observe.ObservedContainer.Mount;
import dev.infra.render.NatsServer;
import dev.infra.units.ByteSize;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When a recreate of NATS would move its store, and what a move must not lose. */
class StoreMoveTest {
    static final NatsServer WANT = new NatsServer("ami-redis-1", "10.0.0.5", "nats:2.10-alpine", "nats", "nats", 4222, 8222,
            "/data/jetstream", "nats-data", new ByteSize(1L << 30), new ByteSize(10L << 30), 1);
    static final List<Mount> ON_VOLUME = List.of(new Mount("volume", "nats_nats-data", "/data/jetstream"));

    @Test
    void aStoreInTheContainersTmpMovesOneOnTheDesiredVolumeDoesNot() {
        assertThat(StoreMove.targetDir(WANT)).isEqualTo("/data/jetstream/jetstream");
        assertThat(StoreMove.needed("/tmp/nats/jetstream", List.of(), WANT)).isTrue();
        assertThat(StoreMove.needed("/data/jetstream/jetstream", ON_VOLUME, WANT)).isFalse();
        assertThat(StoreMove.needed("/data/jetstream/jetstream", List.of(new Mount("volume", "other_nats-data", "/data/jetstream")), WANT))
                .as("another volume").isTrue();
        assertThat(StoreMove.needed("/data/jetstream/jetstream", List.of(new Mount("bind", "", "/data/jetstream")), WANT))
                .as("a bind mount").isTrue();
        assertThat(StoreMove.needed("", List.of(), WANT)).as("JetStream off: nothing to keep").isFalse();
    }

    static JetStreamSnapshot snap(long messages, long lastSeq, long ackFloor, long delivered) {
        return new JetStreamSnapshot(List.of(new StreamState("job_1", messages, 1, lastSeq,
                List.of(new ConsumerState("job-1-consumer", delivered, ackFloor, lastSeq - delivered, delivered - ackFloor)))));
    }

    @Test
    void nothingLostWhenEverythingIsThereOrMovedOn() {
        assertThat(StoreMove.lost(snap(5, 5, 2, 3), snap(5, 5, 2, 3))).isEmpty();
        assertThat(StoreMove.lost(snap(5, 5, 2, 3), snap(6, 6, 3, 4))).as("a new task and an ack in between").isEmpty();
    }

    @Test
    void aVanishedStreamOrConsumerOrASequenceGoingBackIsLoss() {
        assertThat(StoreMove.lost(snap(5, 5, 2, 3), new JetStreamSnapshot(List.of()))).singleElement()
                .satisfies(l -> assertThat(l).isEqualTo("stream job_1 (5 messages) is gone"));
        assertThat(StoreMove.lost(snap(5, 5, 2, 3), snap(0, 0, 0, 0))).hasSize(2);
        assertThat(StoreMove.lost(snap(5, 5, 2, 3), snap(5, 5, 0, 3))).singleElement()
                .satisfies(l -> assertThat(l).contains("ack floor 0").contains("was 2"));
        JetStreamSnapshot noConsumer = new JetStreamSnapshot(List.of(new StreamState("job_1", 5, 1, 5, List.of())));
        assertThat(StoreMove.lost(snap(5, 5, 2, 3), noConsumer)).containsExactly("consumer job_1/job-1-consumer is gone");
    }
}
