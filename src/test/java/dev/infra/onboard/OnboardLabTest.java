package dev.infra.onboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infra.lab.LabPlan;
import dev.infra.testing.Cli;
import dev.infra.testing.LabExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Onboarding bare lab machines (sshd and Docker, not in the inventory) in one command. */
class OnboardLabTest {
    @RegisterExtension
    static LabExtension lab = new LabExtension("lab.yml",
            List.of(new LabPlan.Spare("ami-worker-3", true), new LabPlan.Spare("bare-nodocker", false)));

    /** This test's copy of lab.yml: onboarding edits the inventory it is given. */
    Path inventory;

    /**
     * Each test starts from its own fresh copy of lab.yml, applied, with only the inventory's hosts
     * pinned in known_hosts: the spares are bare, unknown machines, whatever an earlier test onboarded.
     */
    @BeforeEach
    void freshInventoryAndSparesUnknown() {
        inventory = lab.inventoryVariant("fleet.yml", yml -> yml);
        lab.lab().ssh().writeKnownHosts(lab.inventory(), lab.lab().plan());
        lab.converge(inventory);
    }

    Cli.Result infra(String... args) {
        return lab.infraOn(inventory, args);
    }

    static String fingerprint(String host) throws Exception {
        Path pub = lab.lab().ssh().hostKeyDir(host).resolve("ssh_host_ed25519_key.pub");
        Process p = new ProcessBuilder("ssh-keygen", "-lf", pub.toString()).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor(10, TimeUnit.SECONDS);
        return out.split("\\s+")[1];
    }

    @Test
    void aWrongFingerprintIsRefusedWithNothingChanged() throws Exception {
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
    void aHostWithoutDockerFailsThePrerequisiteCheckWithTheInventoryUnchanged() throws Exception {
        String before = Files.readString(inventory);
        Cli.Result r = infra("onboard", "bare-nodocker", "--address", "bare-nodocker", "--host-key", fingerprint("bare-nodocker"));
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).contains("Prerequisites not met on bare-nodocker").contains("no Docker engine answers on bare-nodocker")
                .contains("Nothing was changed");
        assertThat(Files.readString(inventory)).isEqualTo(before);
    }

    @Test
    void oneOnboardTurnsABareHostIntoAWorkingWorker() throws Exception {
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
        String env = lab.sh("ami-worker-3", "docker inspect ami-platform_celeryworker_1 --format '{{range .Config.Env}}{{println .}}{{end}}'");
        assertThat(env).contains("NATS_URL=nats://nats:4222");
        lab.workers("stop");
        lab.standin("ami-worker-3", "enqueue --job 4242 --tasks 3");
        // Any of its worker containers may take a task: read them all.
        String logs = lab.awaitOutput("ami-worker-3",
                "for c in $(docker ps -q --filter label=com.docker.compose.project=ami-platform); do docker logs $c 2>&1; done",
                l -> l.contains("Job 4242: processed task 1") && l.contains("Job 4242: processed task 3"));
        assertThat(logs).contains("Job 4242: processed task 1").contains("Job 4242: processed task 3");
        assertThat(infra("plan", "--detailed-exitcode", "--limit", "ami-worker-3").exitCode()).isZero();
    }
}
