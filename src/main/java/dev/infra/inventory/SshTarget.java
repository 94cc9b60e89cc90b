package dev.infra.inventory;

import java.time.Duration;
import java.util.Optional;

/**
 * How infra logs in to one host, after fleet-wide defaults and the host's own overrides are merged.
 * When {@code alias} is set the user's ssh_config decides hostname, user, port, key and ProxyJump,
 * exactly as `ssh ALIAS` would.
 *
 * @param user          empty means "as ssh_config or the local user name say"
 * @param identityFile  empty means the agent and ssh_config's IdentityFile
 */
public record SshTarget(
        Optional<String> alias,
        Optional<String> user,
        int port,
        Optional<String> identityFile,
        String knownHosts,
        String configFile,
        Duration connectTimeout) {
}
