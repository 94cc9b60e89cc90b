package dev.infra.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import dev.infra.testing.Cli;
import dev.infra.testing.LabExtension;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `infra lab up/status/down` as a user runs them: two labs side by side never collide, each is
 * reachable, and `down` leaves no container, network, volume or cgroup behind.
 */
class LabLifecycleTest {
    @TempDir
    Path tmp;

    record LabArgs(String id, List<String> args, Path dir) {
        String[] with(String... command) {
            List<String> all = new ArrayList<>(args);
            all.addAll(List.of(command));
            return all.toArray(String[]::new);
        }
    }

    LabArgs newLab(int third) throws IOException {
        String id = "c" + Long.toHexString(ThreadLocalRandom.current().nextLong()).substring(0, 6);
        Path dir = Files.createDirectories(tmp.resolve(id));
        List<String> args = List.of("-i", Cli.inventory("lab.yml"), "--templates", Cli.templates(),
                "--var", "lab_dir=" + dir, "--var", "bastion_port=" + LabExtension.freePort(), "--var", "nats_ip=172.29." + third + ".10",
                "lab", "--id", id);
        return new LabArgs(id, args, dir);
    }

    @Test
    void twoLabsRunSideBySideAndDownLeavesNothingBehind() throws Exception {
        DockerClient docker = LabDocker.connect();
        int volumesBefore = docker.listVolumesCmd().exec().getVolumes() == null ? 0 : docker.listVolumesCmd().exec().getVolumes().size();
        int third = 100 + ThreadLocalRandom.current().nextInt(140);
        LabArgs a = newLab(third);
        LabArgs b = newLab(third + 1);
        try {
            CompletableFuture<Cli.Result> upA = CompletableFuture.supplyAsync(() -> timed(a, Cli.run(a.with("up"))));
            CompletableFuture<Cli.Result> upB = CompletableFuture.supplyAsync(() -> timed(b, Cli.run(b.with("up"))));
            for (Cli.Result up : List.of(upA.get(), upB.get())) {
                assertThat(up.exitCode()).as(up.all()).isZero();
                assertThat(up.out()).contains("is up in").contains("ami-worker-2").contains("running");
            }
            for (LabArgs lab : List.of(a, b)) {
                OpenSsh ssh = new OpenSsh(lab.dir().resolve("ssh_config"));
                OpenSsh.Result info = ssh.run("ami-worker-2", Duration.ofSeconds(30), "docker", "info", "--format", "'{{.Name}}'");
                assertThat(info.ok()).as(info.output()).isTrue();
                Cli.Result again = Cli.run(lab.with("up"));
                assertThat(again.exitCode()).isZero();
                assertThat(again.out()).contains("already up");
                Cli.Result status = Cli.run(lab.with("status"));
                assertThat(status.out()).contains("infra-lab-" + lab.id() + "-ami-redis-1").contains("docker 20.10");
            }
        } finally {
            for (LabArgs lab : List.of(a, b)) {
                Cli.Result down = Cli.run(lab.with("down"));
                assertThat(down.exitCode()).as(down.all()).isZero();
                assertThat(down.out()).contains("4 container(s)");
            }
        }
        for (LabArgs lab : List.of(a, b)) {
            assertThat(docker.listContainersCmd().withShowAll(true).withLabelFilter(Map.of(LabPlan.LABEL_LAB, lab.id())).exec()).isEmpty();
            assertThat(docker.listNetworksCmd().withFilter("label", List.of(LabPlan.LABEL_LAB + "=" + lab.id())).exec()).isEmpty();
            try (Stream<Path> controllers = Files.list(Path.of("/sys/fs/cgroup"))) {
                assertThat(controllers.filter(c -> Files.exists(c.resolve("infra-lab-" + lab.id() + "-ami-worker-2"))).toList())
                        .as("cgroups left behind").isEmpty();
            }
            Cli.Result status = Cli.run(lab.with("status"));
            assertThat(status.out()).contains("is not running");
        }
        int volumesAfter = docker.listVolumesCmd().exec().getVolumes() == null ? 0 : docker.listVolumesCmd().exec().getVolumes().size();
        assertThat(volumesAfter).as("volumes").isEqualTo(volumesBefore);
    }

    @Test
    void aLabRefusesABusyPortWithTheFix() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            LabArgs lab = newLab(99);
            List<String> args = new ArrayList<>(lab.args().stream()
                    .map(a -> a.startsWith("bastion_port=") ? "bastion_port=" + busy.getLocalPort() : a).toList());
            args.add("up");
            Cli.Result r = Cli.run(args.toArray(String[]::new));
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.err()).contains("127.0.0.1:" + busy.getLocalPort() + " is taken").contains("--var bastion_port");
        }
    }

    private static Cli.Result timed(LabArgs lab, Cli.Result r) {
        r.out().lines().filter(l -> l.contains("is up in")).forEach(l -> System.out.println("lab " + lab.id() + ": " + l));
        return r;
    }

}
