package dev.infra.ssh;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Everything needed to open one SSH connection, after inventory, ssh_config and defaults are merged.
 *
 * @param name       the inventory host (or ssh_config alias) this is for, used in messages
 * @param hostname   what is connected to — and the name known_hosts is checked against
 * @param jump       the connection to tunnel through, if any
 * @param master     the OpenSSH master connection its ssh_config declares (ControlPath): hosts that
 *                   jump through this one ride it when it is running
 */
public record Endpoint(String name, String hostname, int port, String user, List<Path> identities,
                       Optional<Endpoint> jump, Path knownHosts, Duration connectTimeout, Optional<ControlMaster> master) {

    public Endpoint(String name, String hostname, int port, String user, List<Path> identities,
                    Optional<Endpoint> jump, Path knownHosts, Duration connectTimeout) {
        this(name, hostname, port, user, identities, jump, knownHosts, connectTimeout, Optional.empty());
    }

    /** The sshd this endpoint reaches, whoever logs in: address, port and the route there. */
    public String sshdKey() {
        return hostname + ":" + port + jump.map(j -> " via " + j.key()).orElse("");
    }

    /** Connections are shared by what they connect to, not by which inventory name asked. */
    public String key() {
        return user + "@" + hostname + ":" + port + jump.map(j -> " via " + j.key()).orElse("");
    }

    public String describe() {
        return user + "@" + hostname + (port == 22 ? "" : ":" + port) + jump.map(j -> " via " + j.name()).orElse("");
    }
}
