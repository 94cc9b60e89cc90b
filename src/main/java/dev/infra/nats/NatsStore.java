package dev.infra.nats;

import java.util.List;

/**
 * Where a running NATS server keeps JetStream when that is not where the desired state puts it:
 * its container, the store_dir it reports, and what the store holds. {@code unreadable} says why the
 * server could not be read ("" when it was): its store is then not known to be safe.
 */
public record NatsStore(String container, String liveStoreDir, JetStreamSnapshot snapshot, String unreadable) {
    public static NatsStore unreadable(String container, String why) {
        return new NatsStore(container, "(unknown)", new JetStreamSnapshot(List.of()), why);
    }
}
