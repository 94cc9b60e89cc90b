package dev.infra.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infra.testing.Cli;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README's promise: on a fresh clone (no target/, no built jar) `./infra --help` and
 * `./infra validate` just work — the launcher builds the jar itself, from any directory.
 */
class FreshCloneTest {
    static final Set<String> NOT_IN_A_CLONE = Set.of("target", ".git", ".lab", "out");

    @TempDir
    static Path clone;

    @BeforeAll
    static void copyTheCheckoutWithoutBuildOutput() throws IOException {
        Path repo = Cli.repo();
        try (Stream<Path> files = Files.walk(repo)) {
            for (Path p : files.toList()) {
                Path rel = repo.relativize(p);
                if (rel.toString().isEmpty() || NOT_IN_A_CLONE.contains(rel.getName(0).toString())) {
                    continue;
                }
                Path target = clone.resolve(rel.toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    record Run(int code, String out) {}

    static Run launcher(Path cwd, String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = clone.resolve("infra").toString();
        System.arraycopy(args, 0, command, 1, args.length);
        ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true);
        pb.environment().remove("INFRA_INVENTORY");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        return new Run(p.exitValue(), out);
    }

    @Test
    void helpAndValidateWorkOnAFreshClone() throws Exception {
        assertThat(clone.resolve("target")).doesNotExist();
        Run help = launcher(clone, "--help");
        assertThat(help.code()).as(help.out()).isZero();
        assertThat(help.out()).contains("building target/infra.jar").contains("Usage: infra");
        assertThat(clone.resolve("target/infra.jar")).exists();

        Run validate = launcher(clone, "validate");
        assertThat(validate.code()).as(validate.out()).isZero();
        assertThat(validate.out()).contains("inventory/ami.yml is valid").doesNotContain("building");

        // From another directory the launcher still finds its inventory and templates.
        Run elsewhere = launcher(clone.resolve("templates"), "validate");
        assertThat(elsewhere.code()).as(elsewhere.out()).isZero();
    }
}
