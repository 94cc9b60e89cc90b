package dev.infra.onboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infra.lab.LabPlan;
import dev.infra.testing.Cli;
import dev.infra.testing.LabExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Onboarding bare lab machines (sshd and Docker, not in the inventory) in one command. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OnboardLabTest {
    @RegisterExtension
    static LabExtension lab = new LabExtension("lab.yml",
            List.of(new LabPlan.Spare("ami-worker-3", true), new LabPlan.Spare("bare-nodocker", false)));

    static Path inventory;

    static Cli.Result infra(String... args) {
        return lab.infraOn(inventory, args);
    }

    static String fingerprint(String host) throws Exception {
        Path pub = lab.lab().ssh().hostKeyDir(host).resolve("ssh_host_ed25519_key.pub");
        Process p = new ProcessBuilder("ssh-keygen", "-lf", pub.toString()).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor(10, TimeUnit.SECONDS);
        return out.split("\\s+")[1];
    }

    static void setUp() throws IOException {
        if (inventory == null) {
            inventory = lab.dir().resolve("fleet.yml");
            Files.writeString(inventory, Files.readString(Path.of(Cli.inventory("lab.yml"))));
        }
    }

    @Test
    @Order(1)
    void aWrongFingerprintIsRefusedWithNothingChanged() throws Exception {
        setUp();
        assertThat(infra("apply", "--yes").exitCode()).isZero();
        String before = Files.readString(inventory);
        String knownBefore = Files.readString(lab.lab().ssh().knownHosts());
        Cli.Result r = infra("onboard", "ami-worker-3", "--address", "ami-worker-3",
                "--host-key", "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).contains("does NOT match --host-key").contains("Nothing was changed");
        assertThat(r.out()).contains(fingerprint("ami-worker-3"));
        assertThat(Files.readString(inventory)).isEqualTo(before);
        assertThat(Files.readString(lab.lab().ssh().knownHosts())).isEqualTo(knownBefore);
    }

    @Test
    @Order(2)
    void aHostWithoutDockerFailsThePrerequisiteCheckWithTheInventoryUnchanged() throws Exception {
        setUp();
        String before = Files.readString(inventory);
        Cli.Result r = infra("onboard", "bare-nodocker", "--address", "bare-nodocker", "--host-key", fingerprint("bare-nodocker"));
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).contains("Prerequisites not met on bare-nodocker").contains("no Docker engine answers on bare-nodocker")
                .contains("Nothing was changed");
        assertThat(Files.readString(inventory)).isEqualTo(before);
    }

    @Test
    @Order(3)
    void oneOnboardTurnsABareHostIntoAWorkingWorker() throws Exception {
        setUp();
        String before = Files.readString(inventory);
        Cli.Result r = infra("onboard", "ami-worker-3", "--address", "ami-worker-3", "--host-key", fingerprint("ami-worker-3"));
        assertThat(r.exitCode()).as(r.out()).isZero();
        assertThat(r.out()).contains("✓ Docker engine 20.10").contains("✓ compose: docker-compose").contains("reachable")
                .contains("Onboarded ami-worker-3.");

        // The inventory diff is only the added host; every comment and line of the file is still there.
        String after = Files.readString(inventory);
        List<String> added = new ArrayList<>(after.lines().toList());
        before.lines().forEach(added::remove);
        assertThat(added).containsExactly("  ami-worker-3:", "    address: ami-worker-3", "    roles: [worker]");
        assertThat(after.lines().filter(l -> l.contains("#")).toList()).containsExactlyElementsOf(before.lines().filter(l -> l.contains("#")).toList());

        // Its worker runs with NATS_URL and processes a job's tasks (the other workers are stopped).
        String env = sh("ami-worker-3", "docker inspect ami-platform_celeryworker_1 --format '{{range .Config.Env}}{{println .}}{{end}}'");
        assertThat(env).contains("NATS_URL=nats://nats:4222");
        for (String other : List.of("ami-worker-2", "ami-live")) {
            lab.sh(other, "cd ~/ami-platform && docker-compose -p ami-platform -f $(ls docker-compose.*.yml) stop");
        }
        sh("ami-worker-3", "docker run --rm --add-host nats:" + lab.natsIp() + " -e NATS_URL=nats://nats:4222 infra-lab/worker:latest "
                + "enqueue --job 4242 --tasks 3");
        String logs = "";
        for (int i = 0; i < 30 && !(logs.contains("Job 4242: processed task 1") && logs.contains("Job 4242: processed task 3")); i++) {
            Thread.sleep(1000);
            // Any of its worker containers may take a task: read them all.
            logs = sh("ami-worker-3", "for c in $(docker ps -q --filter label=com.docker.compose.project=ami-platform); do docker logs $c 2>&1; done");
        }
        assertThat(logs).contains("Job 4242: processed task 1").contains("Job 4242: processed task 3");
        assertThat(infra("plan", "--detailed-exitcode", "--limit", "ami-worker-3").exitCode()).isZero();
    }

    /** The spare is now in the inventory and known_hosts: reach it with infra's own transport. */
    static String sh(String host, String command) {
        var inv = new dev.infra.inventory.InventoryLoader(java.util.Optional.empty(), varsMap()).load(inventory);
        try (var f = new dev.infra.fleet.Fleet(inv, dev.infra.testing.Inventories.renderer(),
                new dev.infra.secrets.SecretResolver(java.util.Map.of(), inventory.getParent(), Path.of("/")), 1)) {
            var r = f.remote(inv.hosts().get(host)).run(dev.infra.ssh.RemoteCommand.of(command, command), java.time.Duration.ofMinutes(1));
            assertThat(r.ok()).as(command + ": " + r.stderr()).isTrue();
            return r.stdout();
        }
    }

    static java.util.Map<String, String> varsMap() {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        String[] args = lab.varArgs();
        for (int i = 1; i < args.length; i += 2) {
            m.put(args[i].substring(0, args[i].indexOf('=')), args[i].substring(args[i].indexOf('=') + 1));
        }
        return m;
    }
}
