package dev.infra.inventory;

import java.util.List;
import java.util.Optional;

/**
 * One machine of the fleet.
 *
 * @param address        where SSH connects (through {@code via} when set); empty for ssh_config aliases
 * @param privateAddress where other hosts of the fleet reach it (containers' extra_hosts); defaults to address
 * @param via            the jump host's inventory name; empty means a direct connection
 */
public record Host(
        String name,
        Optional<String> address,
        Optional<String> privateAddress,
        List<Role> roles,
        Optional<String> via,
        SshTarget ssh) {

    public boolean has(Role role) {
        return roles.contains(role);
    }

    /** How a human would describe reaching this host. */
    public String reachedHow() {
        if (ssh.alias().isPresent()) {
            return "ssh_config alias '" + ssh.alias().get() + "' (" + ssh.configFile() + ")";
        }
        return via.map(v -> "via " + v).orElse("direct");
    }
}
