package dev.infra.lab;

import dev.infra.inventory.Host;
import dev.infra.inventory.Inventory;
import dev.infra.ssh.KnownHostsLine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The lab's SSH material, written where the inventory's ssh section says (identity_file,
 * known_hosts, config): a user key, pre-generated host keys (so known_hosts is exact before any
 * host starts — nothing is trusted on first use), and an ssh_config for `ssh -F`.
 */
public final class LabSshMaterial {
    private final Path identity;
    private final Path knownHosts;
    private final Path config;

    public LabSshMaterial(Path identity, Path knownHosts, Path config) {
        this.identity = identity;
        this.knownHosts = knownHosts;
        this.config = config;
    }

    public Path identity() { return identity; }
    public Path knownHosts() { return knownHosts; }
    public Path config() { return config; }

    public Path publicKey() {
        return identity.resolveSibling(identity.getFileName() + ".pub");
    }

    /** hostkeys/<host>/ beside the identity file; generated once and reused by every later `lab up`. */
    public Path hostKeyDir(String host) {
        return identity.resolveSibling("hostkeys").resolve(host);
    }

    public void ensureKeys(List<String> hosts) {
        try {
            Files.createDirectories(identity.getParent());
            restrict(identity.getParent(), "rwx------");
            if (!Files.exists(identity)) {
                keygen(identity, "infra-lab");
            }
            for (String host : hosts) {
                Path dir = hostKeyDir(host);
                if (!Files.exists(dir.resolve("ssh_host_ed25519_key"))) {
                    Files.createDirectories(dir);
                    keygen(dir.resolve("ssh_host_ed25519_key"), host);
                }
            }
        } catch (IOException e) {
            throw new LabException("cannot write lab SSH keys under " + identity.getParent() + ": " + e.getMessage(), e);
        }
    }

    /**
     * known_hosts pins every lab host's key under the name infra and ssh connect to, hashed as
     * Debian and Ubuntu write it (HashKnownHosts yes): the lab is what operators really have.
     */
    public void writeKnownHosts(Inventory inv, LabPlan plan) {
        StringBuilder b = new StringBuilder("# Written by `infra lab up` (lab " + plan.id() + "): the lab hosts' pinned keys, hashed.\n");
        for (Host h : inv.hosts().values()) {
            String name = h.address().orElse(h.name());
            String pattern = h.ssh().port() == 22 ? name : "[" + name + "]:" + h.ssh().port();
            b.append(KnownHostsLine.hashed(pattern, hostPublicKey(h.name()).strip())).append('\n');
        }
        write(knownHosts, b.toString());
    }

    public void writeConfig(Inventory inv, LabPlan plan) {
        StringBuilder b = new StringBuilder();
        b.append("# Written by `infra lab up` (lab ").append(plan.id()).append(").\n");
        b.append("# Reach a lab host as operators reach production: ssh -F ").append(config).append(" ami-worker-2\n");
        for (Host h : inv.hosts().values()) {
            b.append("Host ").append(h.name()).append('\n');
            b.append("  HostName ").append(h.address().orElse(h.name())).append('\n');
            if (h.ssh().port() != 22) {
                b.append("  Port ").append(h.ssh().port()).append('\n');
            }
            h.via().ifPresent(v -> b.append("  ProxyJump ").append(v).append('\n'));
        }
        b.append("Host *\n")
                .append("  User root\n")
                .append("  IdentityFile ").append(identity).append('\n')
                .append("  IdentitiesOnly yes\n")
                .append("  UserKnownHostsFile ").append(knownHosts).append('\n')
                .append("  GlobalKnownHostsFile /dev/null\n")
                .append("  StrictHostKeyChecking yes\n")
                .append("  CheckHostIP no\n")
                .append("  UpdateHostKeys no\n")
                .append("  BatchMode yes\n")
                .append("  ConnectTimeout 5\n")
                .append("  LogLevel ERROR\n");
        write(config, b.toString());
    }

    private String hostPublicKey(String host) {
        try {
            String[] parts = Files.readString(hostKeyDir(host).resolve("ssh_host_ed25519_key.pub")).trim().split("\\s+");
            return parts[0] + " " + parts[1];
        } catch (IOException e) {
            throw new LabException("missing host key for " + host + ": " + e.getMessage(), e);
        }
    }

    private static void keygen(Path file, String comment) throws IOException {
        try {
            Process p = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", file.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new LabException("ssh-keygen failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted", e);
        } catch (IOException e) {
            throw new LabException("ssh-keygen is not installed (apt-get install openssh-client)", e);
        }
    }

    private static void write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), ".tmp", "");
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            restrict(tmp, "rw-------");
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new LabException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static void restrict(Path p, String perms) throws IOException {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
    }
}
