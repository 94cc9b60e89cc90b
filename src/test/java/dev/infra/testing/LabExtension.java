package dev.infra.testing;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Network;
import dev.infra.inventory.Inventory;
import dev.infra.inventory.InventoryLoader;
import dev.infra.lab.Lab;
import dev.infra.lab.LabDocker;
import dev.infra.lab.OpenSsh;
import dev.infra.render.HostState;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives a test class a running lab of inventory/lab.yml and always tears it down. Each lab has its
 * own id, bastion port, /24 subnet and SSH directory, so concurrent and successive runs never
 * collide. Use as {@code @RegisterExtension static LabExtension lab = new LabExtension();}.
 */
public final class LabExtension implements BeforeAllCallback, AfterAllCallback {
    private final String inventoryName;
    private final java.util.List<dev.infra.lab.LabPlan.Spare> spares;
    private String id;
    private Path dir;
    private DockerClient docker;
    private Lab lab;
    private Inventory inventory;
    private Map<String, String> vars;
    private Thread shutdownHook;
    private final StringWriter log = new StringWriter();

    public LabExtension() {
        this("lab.yml");
    }

    public LabExtension(String inventoryName) {
        this(inventoryName, java.util.List.of());
    }

    /** A lab with bare spare hosts beside the inventory's, for onboarding tests. */
    public LabExtension(String inventoryName, java.util.List<dev.infra.lab.LabPlan.Spare> spares) {
        this.inventoryName = inventoryName;
        this.spares = spares;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        id = "t" + Long.toHexString(ThreadLocalRandom.current().nextLong()).substring(0, 8);
        dir = Files.createTempDirectory("infra-lab-" + id);
        docker = LabDocker.connect();
        vars = new LinkedHashMap<>();
        vars.put("lab_dir", dir.toString());
        vars.put("bastion_port", String.valueOf(freePort()));
        vars.put("nats_ip", freeSubnetPrefix(docker) + ".10");
        inventory = new InventoryLoader(Optional.empty(), vars).load(Path.of(Cli.inventory(inventoryName)));
        lab = new Lab(docker, inventory, id, new PrintWriter(log, true), spares);
        shutdownHook = new Thread(this::tearDown);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        try {
            lab.up();
        } catch (RuntimeException e) {
            tearDown();
            throw new AssertionError("lab did not come up:\n" + log, e);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        tearDown();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException ignored) {
            // already shutting down
        }
    }

    private synchronized void tearDown() {
        if (lab != null) {
            try {
                lab.down();
            } finally {
                lab = null;
                deleteTree(dir);
            }
        }
    }

    public String id() { return id; }
    public Lab lab() { return lab; }
    public Inventory inventory() { return inventory; }
    public DockerClient docker() { return docker; }
    public Path dir() { return dir; }
    public String log() { return log.toString(); }

    /** `--var` arguments that point infra commands at this lab. */
    public String[] varArgs() {
        return vars.entrySet().stream().flatMap(e -> java.util.stream.Stream.of("--var", e.getKey() + "=" + e.getValue()))
                .toArray(String[]::new);
    }

    /** Runs infra on this lab's inventory (inventory/lab.yml unless {@code inventory} says otherwise). */
    public Cli.Result infra(String... args) {
        return infraOn(Path.of(Cli.inventory(inventoryName)), args);
    }

    public Cli.Result infraOn(Path inventory, String... args) {
        java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of("-i", inventory.toString(), "--templates", Cli.templates()));
        all.addAll(java.util.List.of(varArgs()));
        all.addAll(java.util.List.of(args));
        return Cli.run(all.toArray(String[]::new));
    }

    public String natsIp() { return vars.get("nats_ip"); }
    public int bastionPort() { return Integer.parseInt(vars.get("bastion_port")); }

    public OpenSsh ssh() {
        return lab.openSsh();
    }

    /** Runs a shell command on a lab host through the bastion; fails the test if it fails. */
    public String sh(String host, String command) {
        OpenSsh.Result r = ssh().run(host, Duration.ofMinutes(2), command);
        if (!r.ok()) {
            throw new AssertionError("on " + host + ": " + command + " → exit " + r.exitCode() + "\n" + r.output());
        }
        return r.output();
    }

    /** Writes a file on a lab host (as a tool without infra's transport would: cat over ssh). */
    public void put(String host, String remotePath, String content) {
        String path = remotePath.startsWith("~/") ? "$HOME/" + remotePath.substring(2) : remotePath;
        OpenSsh.Result r = ssh().runWithInput(host, Duration.ofMinutes(1), content.getBytes(StandardCharsets.UTF_8),
                "mkdir -p \"$(dirname \"" + path + "\")\" && cat > \"" + path + "\"");
        if (!r.ok()) {
            throw new AssertionError("writing " + remotePath + " on " + host + " failed: " + r.output());
        }
    }

    /** Copies every rendered file of {@code host} there, as `infra apply` will. */
    public HostState deploy(String host) {
        HostState state = Inventories.renderer().render(inventory, inventory.hosts().get(host));
        state.files().forEach(f -> put(host, f.path(), f.content()));
        return state;
    }

    /** A free TCP port on 127.0.0.1 (the lab publishes and tests listen only on loopback). */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    /** A 172.29.N.0/24 that no Docker network uses. */
    static String freeSubnetPrefix(DockerClient docker) {
        Set<String> used = new HashSet<>();
        for (Network n : docker.listNetworksCmd().exec()) {
            if (n.getIpam() != null && n.getIpam().getConfig() != null) {
                n.getIpam().getConfig().forEach(c -> used.add(String.valueOf(c.getSubnet())));
            }
        }
        for (int attempt = 0; attempt < 200; attempt++) {
            int third = 100 + ThreadLocalRandom.current().nextInt(150);
            String prefix = "172.29." + third;
            if (!used.contains(prefix + ".0/24") && used.stream().noneMatch(s -> s.startsWith("172.29.0.0/16") || s.startsWith("172.16.0.0/12"))) {
                return prefix;
            }
        }
        throw new IllegalStateException("no free 172.29.x.0/24 subnet");
    }

    private static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }
}
