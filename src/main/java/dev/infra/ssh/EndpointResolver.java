package dev.infra.ssh;

import dev.infra.inventory.Host;
import dev.infra.inventory.Inventory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.sshd.client.config.hosts.ConfigFileHostEntryResolver;
import org.apache.sshd.client.config.hosts.HostConfigEntry;

/**
 * Turns an inventory host into an {@link Endpoint} the way `ssh` would: the inventory's own values
 * first, then the ssh_config entry matching the host (User, Port, IdentityFile, ProxyJump), then
 * OpenSSH's defaults. ssh_alias hosts take everything from ssh_config, ProxyJump included.
 */
public final class EndpointResolver {
    private static final List<String> DEFAULT_KEYS = List.of("id_ed25519", "id_ecdsa", "id_rsa");

    private final Inventory inventory;
    private final Path baseDir;
    /** Each host resolved once: every resolution reads and parses the ssh config file again, once per hop. */
    private final Map<String, Endpoint> resolved = new ConcurrentHashMap<>();

    public EndpointResolver(Inventory inventory) {
        this.inventory = inventory;
        this.baseDir = inventory.file().toAbsolutePath().getParent();
    }

    public Endpoint resolve(Host host) {
        return resolved.computeIfAbsent(host.name(), name -> resolve(host, new LinkedHashSet<>()));
    }

    private Endpoint resolve(Host host, Set<String> seen) {
        if (!seen.add(host.name())) {
            throw new SshException(host.name(), "jump hosts loop: " + String.join(" -> ", seen) + " -> " + host.name(), null);
        }
        Path knownHosts = LocalPaths.resolve(host.ssh().knownHosts(), baseDir);
        Path configFile = LocalPaths.resolve(host.ssh().configFile(), baseDir);
        if (host.ssh().alias().isPresent()) {
            return fromConfig(host.name(), host.ssh().alias().get(), configFile, knownHosts, host, seen);
        }
        String hostname = host.address().orElse(host.name());
        Optional<HostConfigEntry> entry = lookup(configFile, hostname);
        String user = host.ssh().user().or(() -> entry.map(HostConfigEntry::getUsername).filter(u -> !u.isBlank()))
                .orElse(System.getProperty("user.name"));
        int port = host.ssh().port();
        List<Path> identities = identities(host.ssh().identityFile(), entry);
        Optional<Endpoint> jump = host.via().map(v -> resolve(inventory.hosts().get(v), seen));
        return new Endpoint(host.name(), hostname, port, user, identities, jump, knownHosts, host.ssh().connectTimeout(),
                master(entry, configFile, hostname, port, user));
    }

    /** The master connection ssh_config declares for this host (a ControlPath other than none), as OpenSSH would use it. */
    private static Optional<ControlMaster> master(Optional<HostConfigEntry> entry, Path configFile, String destination, int port, String user) {
        return entry.map(e -> e.getProperty("ControlPath")).filter(p -> !p.isBlank() && !p.equalsIgnoreCase("none"))
                .map(p -> new ControlMaster(configFile, destination, port, user));
    }

    private Endpoint fromConfig(String name, String alias, Path configFile, Path knownHosts, Host host, Set<String> seen) {
        HostConfigEntry e = lookup(configFile, alias).orElseThrow(() -> new SshException(name,
                "ssh_alias '" + alias + "' has no Host entry in " + configFile, null));
        String hostname = e.getHostName() == null || e.getHostName().isBlank() ? alias : e.getHostName();
        int port = e.getPort() > 0 ? e.getPort() : 22;
        String user = host.ssh().user().or(() -> Optional.ofNullable(e.getUsername()).filter(u -> !u.isBlank()))
                .orElse(System.getProperty("user.name"));
        Optional<Endpoint> jump = Optional.empty();
        String proxyJump = e.getProxyJump();
        if (proxyJump != null && !proxyJump.isBlank() && !proxyJump.equalsIgnoreCase("none")) {
            // OpenSSH allows a chain "a,b": the last one is the nearest hop.
            String[] hops = proxyJump.split(",");
            jump = Optional.of(jumpFrom(hops[hops.length - 1].trim(), configFile, knownHosts, host, seen));
        }
        return new Endpoint(name, hostname, port, user, identities(host.ssh().identityFile(), Optional.of(e)), jump,
                knownHosts, host.ssh().connectTimeout(), master(Optional.of(e), configFile, alias, port, user));
    }

    /** A ProxyJump hop: [user@]host[:port], itself looked up in ssh_config (an alias or a name). */
    private Endpoint jumpFrom(String hop, Path configFile, Path knownHosts, Host host, Set<String> seen) {
        String user = null;
        String rest = hop;
        if (rest.contains("@")) {
            user = rest.substring(0, rest.indexOf('@'));
            rest = rest.substring(rest.indexOf('@') + 1);
        }
        int port = -1;
        if (rest.contains(":")) {
            port = Integer.parseInt(rest.substring(rest.indexOf(':') + 1));
            rest = rest.substring(0, rest.indexOf(':'));
        }
        if (!seen.add("jump:" + rest)) {
            throw new SshException(host.name(), "ProxyJump loops at " + rest, null);
        }
        Optional<HostConfigEntry> e = lookup(configFile, rest);
        Endpoint viaConfig = e.isPresent() ? fromConfig(rest, rest, configFile, knownHosts, host, seen) : null;
        String hostname = viaConfig != null ? viaConfig.hostname() : rest;
        int effectivePort = port > 0 ? port : viaConfig != null ? viaConfig.port() : 22;
        String effectiveUser = user != null ? user : viaConfig != null ? viaConfig.user() : System.getProperty("user.name");
        return new Endpoint(rest, hostname, effectivePort, effectiveUser,
                viaConfig != null ? viaConfig.identities() : identities(Optional.empty(), Optional.empty()),
                viaConfig != null ? viaConfig.jump() : Optional.empty(), knownHosts, host.ssh().connectTimeout(),
                viaConfig != null ? viaConfig.master().map(m -> new ControlMaster(m.config(), m.destination(), effectivePort, effectiveUser))
                        : Optional.empty());
    }

    private List<Path> identities(Optional<String> fromInventory, Optional<HostConfigEntry> entry) {
        List<Path> out = new ArrayList<>();
        fromInventory.ifPresent(f -> out.add(LocalPaths.resolve(f, baseDir)));
        entry.map(HostConfigEntry::getIdentities).ifPresent(ids -> ids.forEach(i -> out.add(LocalPaths.resolve(i, baseDir))));
        if (out.isEmpty()) {
            Path ssh = Path.of(System.getProperty("user.home"), ".ssh");
            DEFAULT_KEYS.stream().map(ssh::resolve).filter(Files::exists).forEach(out::add);
        }
        return List.copyOf(new LinkedHashSet<>(out));
    }

    private static Optional<HostConfigEntry> lookup(Path configFile, String host) {
        if (!Files.isRegularFile(configFile)) {
            return Optional.empty();
        }
        try {
            HostConfigEntry e = new ConfigFileHostEntryResolver(configFile).resolveEffectiveHost(host, 0, null, null, null, null);
            return Optional.ofNullable(e);
        } catch (IOException | RuntimeException e) {
            throw new SshException(host, "cannot read ssh config " + configFile + ": " + e.getMessage(), e);
        }
    }
}
