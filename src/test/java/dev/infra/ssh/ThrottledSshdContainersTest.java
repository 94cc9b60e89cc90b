package dev.infra.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infra.lab.LabDocker;
import dev.infra.lab.LabImages;
import dev.infra.testing.LocalSh;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * One real OpenSSH sshd (the lab bastion's image) that drops every connection beyond the first one
 * still starting (MaxStartups 1:100:1), reached under 12 names (127.0.0.2 … 127.0.0.13, one
 * connection each) at once: every one must log in, none reported unreachable because sshd throttled.
 */
class ThrottledSshdContainersTest {
    static GenericContainer<?> sshd;
    static Path dir;

    @BeforeAll
    static void start(@TempDir Path tmp) throws Exception {
        dir = tmp;
        new LabImages(LabDocker.connect(), new PrintWriter(new StringWriter()), LabImages.defaultCacheDir()).ensure(LabImages.BASTION);
        LocalSh.Result key = LocalSh.run("ssh-keygen -q -t ed25519 -N '' -C throttled -f '" + dir.resolve("id") + "'");
        assertThat(key.exitCode()).as(key.output()).isZero();
        sshd = new GenericContainer<>(DockerImageName.parse(LabImages.BASTION))
                .withEnv("LAB_AUTHORIZED_KEYS", Files.readString(dir.resolve("id.pub")).strip())
                .withExposedPorts(22)
                .withCommand("sh", "-c", "sed -i 's/^MaxStartups .*/MaxStartups 1:100:1/' /etc/ssh/sshd_config.d/lab.conf"
                        + " && exec /usr/sbin/sshd -D -e")
                .waitingFor(Wait.forLogMessage(".*Server listening.*", 1));
        sshd.start();
        String hostKey = sshd.execInContainer("cat", "/etc/ssh/ssh_host_ed25519_key.pub").getStdout().strip();
        String typeAndKey = hostKey.split("\\s+")[0] + " " + hostKey.split("\\s+")[1];
        List<String> lines = new ArrayList<>();
        for (int k = 2; k <= 13; k++) {
            lines.add(KnownHostsLine.hashed("[127.0.0." + k + "]:" + sshd.getMappedPort(22), typeAndKey));
        }
        Files.write(dir.resolve("known_hosts"), lines);
    }

    @AfterAll
    static void stop() {
        if (sshd != null) {
            sshd.stop();
        }
    }

    static Endpoint endpoint(int k) {
        return new Endpoint("h" + k, "127.0.0." + k, sshd.getMappedPort(22), "root", List.of(dir.resolve("id")),
                Optional.empty(), dir.resolve("known_hosts"), Duration.ofSeconds(5));
    }

    @Test
    void everyHostIsReachedThoughTheSshdDropsConnectionsPastMaxStartups() {
        try (SshPool pool = new SshPool()) {
            List<CompletableFuture<String>> logins = IntStream.rangeClosed(2, 13).mapToObj(k -> CompletableFuture.supplyAsync(() ->
                    pool.connect(endpoint(k)).run(RemoteCommand.of("say who", "echo in"), Duration.ofSeconds(10)).stdout().strip(),
                    Background.THREAD_PER_TASK)).toList();
            assertThat(logins).allSatisfy(f -> assertThat(f.join()).isEqualTo("in"));
        }
        // The sshd did turn connections away: without the retries above this test fails.
        assertThat(sshd.getLogs()).contains("past MaxStartups");
    }
}
