package dev.infra.inventory;

import dev.infra.units.ByteSize;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The NATS server every job travels through, as it must run on the NATS host(s). */
public record NatsService(
        String image,
        String deployDir,
        String composeFile,
        String serviceName,
        String restart,
        Optional<String> publishAddress,
        int clientPort,
        int monitorPort,
        int clusterPort,
        String clusterName,
        JetStream jetstream,
        Optional<Auth> auth,
        Limits limits,
        Logging logging,
        Healthcheck healthcheck) {

    /** JetStream storage: always on a named volume, never in the container's /tmp. */
    public record JetStream(String storeDir, String volume, ByteSize maxMemoryStore, ByteSize maxFileStore) {}

    /** Either a token, or a user and password; values are secret references. */
    public record Auth(Optional<String> token, Optional<String> user, Optional<String> password) {}

    public record Limits(int maxConnections, ByteSize maxPayload, ByteSize maxPending,
                         ByteSize maxControlLine, Duration writeDeadline, Duration pingInterval, int maxPingsOut) {}

    public record Logging(boolean debug, boolean trace, boolean logtime, Optional<String> logFile) {}

    public record Healthcheck(List<String> test, Duration interval, Duration timeout, int retries, Duration startPeriod) {}
}
