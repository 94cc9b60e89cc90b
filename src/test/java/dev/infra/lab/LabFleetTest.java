package dev.infra.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.api.model.Ports;
import dev.infra.inventory.Host;
import dev.infra.inventory.Role;
import dev.infra.testing.LabExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The lab against its promises: every host reached through the bastion with pinned host keys,
 * nothing published but the bastion on 127.0.0.1, the rendered NATS compose healthy with JetStream
 * on the named volume, and the seed incident (job 2226) reproduced and fixed.
 */
class LabFleetTest {
    @RegisterExtension
    static LabExtension lab = new LabExtension();

    @Test
    void everyHostIsReachedThroughTheBastionWithPinnedHostKeysAndRunsItsOwnEngine() {
        for (Host h : lab.inventory().hosts().values()) {
            if (h.roles().size() == 1 && h.has(Role.BASTION)) {
                assertThat(lab.sh(h.name(), "hostname").strip()).isEqualTo(h.name());
                continue;
            }
            assertThat(h.via()).contains("ami-cc");
            String info = lab.sh(h.name(), "docker info --format '{{.ServerVersion}} {{.Driver}} {{.Name}}'");
            assertThat(info.strip()).startsWith("20.10").contains("overlay2").endsWith(h.name());
        }
    }

    @Test
    void aChangedHostKeyIsRefused() throws IOException {
        // Swap two hosts' pinned keys: OpenSSH with the lab's config must refuse, not connect.
        Path knownHosts = lab.lab().ssh().knownHosts();
        List<String> lines = Files.readAllLines(knownHosts);
        String liveLine = lab.pinnedLine("ami-live");
        String workerLine = lab.pinnedLine("ami-worker-2");
        String liveKey = liveLine.split(" ", 2)[1];
        String workerKey = workerLine.split(" ", 2)[1];
        Path tampered = lab.dir().resolve("tampered_known_hosts");
        Files.write(tampered, lines.stream().map(l -> l.equals(liveLine) ? "ami-live " + workerKey
                : l.equals(workerLine) ? "ami-worker-2 " + liveKey : l).toList());
        Path config = lab.dir().resolve("tampered_config");
        Files.writeString(config, Files.readString(lab.lab().ssh().config()).replace(knownHosts.toString(), tampered.toString()));
        OpenSsh.Result r = new OpenSsh(config).run("ami-live", Duration.ofSeconds(20), "true");
        assertThat(r.ok()).isFalse();
        assertThat(r.output()).containsIgnoringCase("host key");
    }

    @Test
    void onlyTheBastionIsPublishedAndOnlyOnLoopback() {
        Network network = lab.docker().inspectNetworkCmd().withNetworkId(lab.lab().plan().network()).exec();
        assertThat(network.getInternal()).as("lab network is internal: no route out").isTrue();
        for (LabPlan.LabHost h : lab.lab().plan().hosts()) {
            InspectContainerResponse c = lab.docker().inspectContainerCmd(h.container()).exec();
            Map<ExposedPort, Ports.Binding[]> bindings = c.getNetworkSettings().getPorts().getBindings();
            long published = bindings.values().stream().filter(Objects::nonNull).flatMap(Arrays::stream).count();
            if (h.published() > 0) {
                assertThat(bindings.values().stream().filter(Objects::nonNull).flatMap(Arrays::stream))
                        .allSatisfy(b -> assertThat(b.getHostIp()).isEqualTo("127.0.0.1"));
                assertThat(published).isEqualTo(1);
            } else {
                assertThat(published).as(h.name() + " publishes nothing").isZero();
            }
        }
    }

    @Test
    void theRenderedNatsComposeRunsHealthyWithJetStreamOnTheNamedVolume() throws Exception {
        renderedNatsUp();

        // Through the bastion, as an operator's tunnel would: ssh -L to the NATS host's 8222.
        int local = LabExtension.freePort();
        Process tunnel = new ProcessBuilder("ssh", "-F", lab.lab().ssh().config().toString(), "-N",
                "-o", "ExitOnForwardFailure=yes", "-L", "127.0.0.1:" + local + ":ami-redis-1:8222", "ami-cc")
                .redirectErrorStream(true).start();
        try {
            String healthz = LabExtension.awaitHttpOk("http://127.0.0.1:" + local + "/healthz?js-enabled-only=true");
            assertThat(healthz).contains("\"status\":\"ok\"");
            String jsz = LabExtension.awaitHttpOk("http://127.0.0.1:" + local + "/jsz");
            assertThat(jsz).containsPattern("\"store_dir\":\\s*\"/data/jetstream/jetstream\"").doesNotContain("/tmp/");
        } finally {
            tunnel.destroy();
            tunnel.waitFor(5, TimeUnit.SECONDS);
        }
        String mounts = lab.sh("ami-redis-1",
                "docker inspect nats_nats_1 --format '{{range .Mounts}}{{.Type}} {{.Name}} {{.Destination}};{{end}}'");
        assertThat(mounts).contains("volume nats_nats-data /data/jetstream;");
    }

    @Test
    void job2226AWorkerWithoutNatsUrlConnectsToLocalhostAndProcessesNothingUntilItGetsOne() {
        String worker = "ami-worker-2";
        renderedNatsUp();
        // The app's side queues the job: stream job_2226, consumer job-2226-consumer, max_deliver 2.
        lab.standin(worker, "enqueue --job 2226 --tasks 5 --max-deliver 2");
        // The worker host as production had it: the env file has other keys but no NATS_URL.
        lab.put(worker, "~/ami-platform/.envs/.production/.django", "DJANGO_SECRET_KEY=not-infras\nDATABASE_URL=postgres://db/antenna\n");
        lab.deploy(worker);
        lab.compose(worker, "~/ami-platform", "docker-compose.worker.yml", "up -d");
        String logs = lab.awaitOutput(worker, LabExtension.composeCommand("~/ami-platform", "docker-compose.worker.yml", "logs --no-color celeryworker"),
                l -> l.contains("Connect call failed"));
        assertThat(logs).contains("Connect call failed ('127.0.0.1', 4222)").doesNotContain("processed task");
        assertThat(lab.standin(worker, "status --job 2226")).contains("\"ack_floor_stream_seq\":0").contains("\"num_pending\":5");

        // The fix: NATS_URL=nats://nats:4222 in the env file, the containers recreated.
        lab.sh(worker, "echo NATS_URL=nats://nats:4222 >> ~/ami-platform/.envs/.production/.django");
        lab.compose(worker, "~/ami-platform", "docker-compose.worker.yml", "up -d");
        lab.awaitStatus(worker, "2226", "\"ack_floor_stream_seq\":5");
        String after = lab.compose(worker, "~/ami-platform", "docker-compose.worker.yml", "logs --no-color");
        assertThat(after).contains("Connected to NATS at nats://nats:4222").contains("Job 2226: processed task");
    }

    /** The NATS host's rendered compose deployed by hand (no infra apply) and its server healthy. */
    private static void renderedNatsUp() {
        lab.deploy("ami-redis-1");
        lab.compose("ami-redis-1", "~/nats", "docker-compose.yml", "up -d");
        lab.awaitHealthy("ami-redis-1", "nats_nats_1");
    }
}
