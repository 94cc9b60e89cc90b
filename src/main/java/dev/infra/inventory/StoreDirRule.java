package dev.infra.inventory;

import java.util.List;
import java.util.Optional;

/**
 * Where JetStream may keep its data: never in a temporary directory (the seed's /tmp/nats/jetstream,
 * lost with the container). One rule for `validate` (the declared store_dir) and `verify` (the
 * store_dir the live server reports).
 */
public final class StoreDirRule {
    /** Directories whose content does not survive a restart of the container or the host. */
    public static final List<String> TEMPORARY = List.of("/tmp", "/var/tmp", "/dev/shm", "/run", "/var/run");

    private StoreDirRule() {}

    /** Why {@code storeDir} is no place for JetStream's data, if it is not. */
    public static Optional<String> problem(String storeDir) {
        if (!storeDir.startsWith("/")) {
            return Optional.of("the JetStream store_dir must be an absolute path, not '" + storeDir + "'");
        }
        for (String t : TEMPORARY) {
            if (storeDir.equals(t) || storeDir.startsWith(t + "/")) {
                return Optional.of("JetStream keeps its data in " + storeDir + ", which is lost when the container or host restarts");
            }
        }
        return Optional.empty();
    }
}
