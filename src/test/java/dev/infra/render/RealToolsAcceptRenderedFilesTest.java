package dev.infra.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infra.inventory.Inventory;
import dev.infra.testing.Cli;
import dev.infra.testing.Inventories;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every rendered compose file passes the real `docker-compose config` and every nats.conf the real
 * `nats-server -t` (Debian's packages; .ci/run installs them). A missing program fails the test:
 * a validator that is not there proves nothing.
 */
class RealToolsAcceptRenderedFilesTest {
    @TempDir
    Path dir;

    record Run(int code, String output) {}

    static Run run(Path cwd, String... command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError(command[0] + " is not installed; run .ci/run (it installs docker-compose and nats-server)", e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(command[0] + " finished").isTrue();
        return new Run(p.exitValue(), out);
    }

    static Inventory load(String which) {
        Map<String, String> env = Map.of("NATS_TOKEN", "t0ken", "NATS_PASSWORD", "pa55", "ANTENNA_TOKEN", "antenna-t0ken");
        Path file = which.startsWith("test:") ? Cli.repo().resolve("src/test/resources/inventories/" + which.substring(5))
                : Path.of(Cli.inventory(which));
        return Inventories.load(file, env);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ami.yml", "example.yml", "lab.yml", "test:cluster.yml", "test:slurm.yml"})
    void renderedFilesPassTheRealValidators(String which) throws Exception {
        Inventory inv = load(which);
        List<String> checked = new ArrayList<>();
        for (HostState state : Inventories.renderer().render(inv).values()) {
            Path hostDir = dir.resolve(state.host().name());
            for (DesiredFile f : state.files()) {
                Path p = hostDir.resolve(LocalMirror.pathFor(f.path()));
                Files.createDirectories(p.getParent());
                Files.writeString(p, f.content());
            }
            for (ManagedEnv env : state.env()) {
                // docker-compose refuses a missing env_file; the host has them, so the test does too.
                inv.deployments().values().forEach(d -> d.envFiles().forEach(e -> touch(hostDir, d.deployDir(), e)));
                inv.deployments().values().forEach(d -> d.services().values().forEach(s -> s.envFiles().forEach(e -> touch(hostDir, d.deployDir(), e))));
            }
            for (DesiredFile f : state.files()) {
                Path p = hostDir.resolve(LocalMirror.pathFor(f.path()));
                if (f.path().endsWith(".yml")) {
                    Run r = run(p.getParent(), "docker-compose", "-f", p.getFileName().toString(), "config", "-q");
                    assertThat(r.code()).as("docker-compose config " + p + "\n" + r.output() + "\n" + f.content()).isZero();
                } else if (f.path().endsWith("nats.conf")) {
                    Run r = run(p.getParent(), "nats-server", "-t", "-c", p.toString());
                    assertThat(r.code()).as("nats-server -t " + p + "\n" + r.output() + "\n" + f.content()).isZero();
                } else if (f.path().endsWith(".sbatch")) {
                    Run r = run(p.getParent(), "bash", "-n", p.toString());
                    assertThat(r.code()).as("bash -n " + p + "\n" + r.output() + "\n" + f.content()).isZero();
                } else if (f.template().equals(Renderer.SLURM_ENV)) {
                    Run r = run(p.getParent(), "bash", "-c", "set -eu; set -a; . \"$1\"; env", "env", p.toString());
                    assertThat(r.code()).as("bash sources " + p + "\n" + r.output()).isZero();
                    assertThat(r.output()).as("bash reads the values as written").contains("AMI_ANTENNA_API_BASE_URL=https://antenna.example.org/api/v2");
                }
                checked.add(f.path());
            }
        }
        assertThat(checked).anyMatch(p -> p.endsWith("nats.conf")).anyMatch(p -> p.endsWith(".yml"));
    }

    @Test
    void theValidatorsReallyRejectBrokenFiles() throws Exception {
        Files.writeString(dir.resolve("nats.conf"), "jetstream {\n  store_dir: \"/data\"\n");
        assertThat(run(dir, "nats-server", "-t", "-c", dir.resolve("nats.conf").toString()).code()).isNotZero();
        Files.writeString(dir.resolve("docker-compose.yml"), "services:\n  nats:\n    image: nats\n    volumez: []\n");
        assertThat(run(dir, "docker-compose", "-f", "docker-compose.yml", "config", "-q").code()).isNotZero();
    }

    private static void touch(Path hostDir, String deployDir, String envFile) {
        Path p = hostDir.resolve(LocalMirror.pathFor(deployDir)).resolve(envFile);
        try {
            Files.createDirectories(p.getParent());
            if (!Files.exists(p)) {
                Files.writeString(p, "");
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
