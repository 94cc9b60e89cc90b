package dev.infra.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infra.testing.Cli;
import dev.infra.testing.LabExtension;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A service whose command exits at once under `restart: always` shows "running" between restarts:
 * apply's health gate must still call it failed, put the host back, and stop the rollout.
 */
@Tag("faults")
class CrashLoopLabTest {
    @RegisterExtension
    static LabExtension lab = new LabExtension();

    static final String WORKER = "ami-worker-2";
    static final String WORKER_COMPOSE = "cat ~/ami-platform/docker-compose.worker.yml";

    /** lab.yml whose worker {@code service} exits at once ("crash" is no command of the stand-in), at {@code scale}. */
    static Path crashing(String name, String from, String to) {
        return lab.inventoryVariant(name, yaml -> {
            assertThat(yaml).contains(from);
            return yaml.replace(from, to);
        });
    }

    @Test
    void aCrashLoopingServiceFailsTheGateAndTheHostIsPutBack() {
        lab.converge();
        String before = lab.sh(WORKER, WORKER_COMPOSE);
        for (Path variant : new Path[] {
                crashing("lab-crash-1.yml", "      celeryworker: {}\n      celeryworker_ml:", "      celeryworker:\n        command: crash\n      celeryworker_ml:"),
                crashing("lab-crash-3.yml", "      celeryworker_ml:\n        scale: 2", "      celeryworker_ml:\n        scale: 3\n        command: crash")}) {
            long start = System.nanoTime();
            Cli.Result apply = lab.infraOn(variant, "apply", "--yes", "--limit", WORKER, "--no-color");
            System.out.println(variant.getFileName() + ": apply took " + (System.nanoTime() - start) / 1_000_000 + " ms\n" + apply.out());
            assertThat(apply.exitCode()).as(apply.all()).isEqualTo(1);
            assertThat(apply.out()).contains(WORKER + ": FAILED").contains("restart-looping").contains("rolled back to the previous files");
            assertThat(lab.sh(WORKER, WORKER_COMPOSE)).isEqualTo(before);
            Cli.Result plan = lab.infra("plan", "--detailed-exitcode");
            assertThat(plan.exitCode()).as(plan.all()).isZero();
        }
    }

    @Test
    void maxFailZeroStopsTheRolloutAtTheFirstFailingHost() {
        lab.converge();
        String before = lab.sh(WORKER, WORKER_COMPOSE);
        Path variant = lab.inventoryVariant("lab-crash-both.yml", yaml -> yaml.replace("      celeryworker: {}",
                "      celeryworker:\n        command: crash"));
        Cli.Result apply = lab.infraOn(variant, "apply", "--yes", "--batch", "1", "--max-fail", "0", "--no-color");
        assertThat(apply.exitCode()).as(apply.all()).isEqualTo(1);
        assertThat(apply.out()).contains("ami-live: FAILED").contains("restart-looping")
                .contains("Stopping the rollout: 1 host(s) failed (--max-fail 0). Not touched: " + WORKER);
        assertThat(lab.sh(WORKER, WORKER_COMPOSE)).as("the second batch never started").isEqualTo(before);
    }
}
