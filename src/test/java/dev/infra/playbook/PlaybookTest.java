package dev.infra.playbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.infra.diag.InvalidInputException;
import dev.infra.testing.Cli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlaybookTest {
    @TempDir
    Path dir;

    @Test
    void everyShippedPlaybookLoadsAndDryRuns() throws IOException {
        try (var files = Files.list(Cli.repo().resolve("playbooks"))) {
            List<Path> playbooks = files.filter(p -> p.toString().endsWith(".yml")).sorted().toList();
            assertThat(playbooks.stream().map(p -> p.getFileName().toString())).contains("onboard-worker.yml",
                    "rolling-restart-workers.yml", "fix-missing-nats-url.yml", "cleanup-stale-streams.yml");
            for (Path p : playbooks) {
                Cli.Result r = Cli.run("-i", Cli.inventory("ami.yml"), "--templates", Cli.templates(), "run", p.toString(), "--dry-run",
                        "--var", "name=ami-worker-3", "--var", "address=10.0.0.23");
                assertThat(r.exitCode()).as(p + "\n" + r.all()).isZero();
                assertThat(r.out()).contains("Dry run: nothing was run.");
            }
        }
    }

    @Test
    void variablesResolveAndOverridesWin() {
        Playbook p = PlaybookLoader.load(Cli.repo().resolve("playbooks/rolling-restart-workers.yml"), Map.of("batch", "50%"));
        assertThat(p.steps().get(1).args()).containsExactly("restart", "--limit", "app,worker", "--batch", "50%");
    }

    @Test
    void aBadPlaybookIsRefusedWithPositions() throws IOException {
        Path bad = dir.resolve("bad.yml");
        Files.writeString(bad, "vars:\n  hosts: worker\nsteps:\n  - name: two things\n    plan: {}\n    verify: {}\n"
                + "  - apply: {limt: worker}\n  - verify: {limit: \"${var:hots}\"}\n");
        assertThatThrownBy(() -> PlaybookLoader.load(bad, Map.of())).isInstanceOf(InvalidInputException.class)
                .satisfies(e -> assertThat(((InvalidInputException) e).diagnostics()).extracting(d -> d.line() + ":" + d.message())
                        .anySatisfy(m -> assertThat(m).startsWith("4:").contains("exactly one thing"))
                        .anySatisfy(m -> assertThat(m).startsWith("7:").contains("Did you mean 'limit'?"))
                        .anySatisfy(m -> assertThat(m).startsWith("8:").contains("Did you mean 'hosts'?")));
    }
}
