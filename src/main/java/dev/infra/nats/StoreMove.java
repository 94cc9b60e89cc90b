package dev.infra.nats;

import dev.infra.observe.ObservedContainer.Mount;
import dev.infra.render.NatsServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Moving JetStream's store (off the container's /tmp, onto another volume or store_dir) without
 * losing what it holds. Pure: where the live server keeps its data against where the desired state
 * puts it, and what a snapshot after the move lacks compared with the one before.
 */
public final class StoreMove {
    private StoreMove() {}

    /** The named volume compose creates for {@code server}: {@code <project>_<volume>}. */
    public static String volumeName(NatsServer server) {
        return server.project() + "_" + server.volume();
    }

    /**
     * Where the new server keeps its data: nats-server puts a {@code jetstream} directory under the
     * configured store_dir.
     */
    public static String targetDir(NatsServer server) {
        return server.storeDir() + "/jetstream";
    }

    /**
     * True when the running server's store ({@code liveStoreDir}, as /jsz reports it) is not where the
     * desired state puts it: on the server's named volume mounted at its store_dir. Recreating the
     * container then would start an empty store, so apply has to carry the data over.
     */
    public static boolean needed(String liveStoreDir, List<Mount> mounts, NatsServer desired) {
        if (liveStoreDir.isEmpty()) {
            return false;   // JetStream is off: there is no store to keep
        }
        String volume = volumeName(desired);
        boolean onDesiredVolume = mounts.stream().anyMatch(m -> "volume".equals(m.type()) && volume.equals(m.name())
                && m.destination().equals(desired.storeDir()));
        return !(onDesiredVolume && liveStoreDir.equals(targetDir(desired)));
    }

    /**
     * What went missing or backwards between two snapshots; empty when everything survived. Work may
     * have moved on in between (a new job, an ack), so only a stream or consumer that vanished, or a
     * sequence that went back, counts as lost.
     */
    public static List<String> lost(JetStreamSnapshot before, JetStreamSnapshot after) {
        Map<String, JetStreamSnapshot.StreamState> now = after.streams().stream()
                .collect(Collectors.toMap(JetStreamSnapshot.StreamState::name, Function.identity()));
        List<String> lost = new ArrayList<>();
        for (JetStreamSnapshot.StreamState s : before.streams()) {
            JetStreamSnapshot.StreamState a = now.get(s.name());
            if (a == null) {
                lost.add("stream " + s.name() + " (" + s.messages() + " messages) is gone");
                continue;
            }
            // Acks may remove messages of work-queue streams in between: only a sequence going back is loss.
            if (a.lastSeq() < s.lastSeq()) {
                lost.add("stream " + s.name() + ": " + a.messages() + " messages up to seq " + a.lastSeq() + ", was "
                        + s.messages() + " up to seq " + s.lastSeq());
            }
            for (JetStreamSnapshot.ConsumerState c : s.consumers()) {
                Optional<JetStreamSnapshot.ConsumerState> ac = a.consumers().stream().filter(x -> x.name().equals(c.name())).findFirst();
                if (ac.isEmpty()) {
                    lost.add("consumer " + s.name() + "/" + c.name() + " is gone");
                } else if (ac.get().ackFloorStreamSeq() < c.ackFloorStreamSeq() || ac.get().deliveredStreamSeq() < c.deliveredStreamSeq()) {
                    lost.add("consumer " + s.name() + "/" + c.name() + ": ack floor " + ac.get().ackFloorStreamSeq() + ", delivered "
                            + ac.get().deliveredStreamSeq() + "; was " + c.ackFloorStreamSeq() + ", " + c.deliveredStreamSeq());
                }
            }
        }
        return lost;
    }
}
