package dev.infra.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infra.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inputs that are not what they claim: each is refused at once with a message, never a hang, a trace or "internal error". */
class HostileInputTest {
    @TempDir
    Path dir;

    static void refusedFast(Cli.Result r, long startNanos, String message) {
        assertThat(r.exitCode()).as(r.all()).isEqualTo(1);
        assertThat(r.err()).contains(message).doesNotContain("internal error").doesNotContain("Exception").doesNotContain("\tat ");
        assertThat((System.nanoTime() - startNanos) / 1_000_000).as("milliseconds").isLessThan(5000);
    }

    @Test
    void aHugeOneLineInventoryIsRefusedBeforeParsing() throws Exception {
        Path huge = dir.resolve("huge.yml");
        Files.writeString(huge, "variables: {a: \"" + "x".repeat(50 << 20) + "\"}\n");
        long start = System.nanoTime();
        refusedFast(Cli.run("-i", huge.toString(), "validate"), start, "infra reads at most 2097152");
    }

    @Test
    void aDirectoryOrADeviceIsNotAnInventory() {
        long start = System.nanoTime();
        refusedFast(Cli.run("-i", dir.toString(), "validate"), start, "not found");
        start = System.nanoTime();
        refusedFast(Cli.run("-i", "/dev/zero", "validate"), start, "not found");
    }

    @Test
    void aDeviceOrADirectoryIsNotAPlanAndNothingIsContacted() {
        for (String plan : new String[] {"/dev/zero", dir.toString()}) {
            long start = System.nanoTime();
            refusedFast(Cli.run("-i", Cli.inventory("lab.yml"), "--templates", Cli.templates(), "--var", "bastion_port=9", "apply", plan),
                    start, "is not a regular file");
        }
    }
}
