package dev.infra.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infra.observe.ServiceHealth.Kind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One "is this service up?" for the planner, apply's gate and verify. */
class ServiceHealthTest {
    static ObservedContainer c(String name, String state, String health, int restarts) {
        return new ObservedContainer("ami-platform", "celeryworker", name, state, health, restarts, Map.of());
    }

    static ServiceHealth.Verdict judge(int scale, ObservedContainer... cs) {
        return ServiceHealth.judge("ami-platform/celeryworker", scale, List.of(cs));
    }

    @Test
    void everyReplicaRunningIsUpAndSaysHealthyWhenTheHealthcheckSaysSo() {
        assertThat(judge(2, c("w1", "running", "", 0), c("w2", "running", "", 0)).kind()).isEqualTo(Kind.UP);
        var healthy = judge(1, c("w1", "running", "healthy", 0));
        assertThat(healthy.up()).isTrue();
        assertThat(healthy.describe()).isEqualTo("ami-platform/celeryworker: 1 of 1 running, healthy");
    }

    @Test
    void noContainerIsMissingAndFewerThanTheScaleIsTooFewWithTheirStates() {
        var missing = judge(1);
        assertThat(missing.kind()).isEqualTo(Kind.MISSING);
        assertThat(missing.describe()).isEqualTo("ami-platform/celeryworker: 0 of 1 running (no container)");
        var tooFew = judge(2, c("w1", "running", "", 0), c("w2", "exited", "", 0));
        assertThat(tooFew.kind()).isEqualTo(Kind.TOO_FEW);
        assertThat(tooFew.describe()).isEqualTo("ami-platform/celeryworker: 1 of 2 running (w1 running, w2 exited)");
    }

    @Test
    void restartedThreeTimesIsARestartLoopNamingTheContainerAndRestartingIsNotRunning() {
        var restarting = judge(1, c("w1", "restarting", "", 1));
        assertThat(restarting.kind()).as("a restarting container is not running").isEqualTo(Kind.TOO_FEW);
        assertThat(restarting.describe()).isEqualTo("ami-platform/celeryworker: 0 of 1 running (w1 restarting)");
        assertThat(judge(2, c("w1", "running", "", 0), c("w2", "restarting", "", 1), c("w3", "running", "", 0)).kind())
                .as("enough replicas run, one of them loops").isEqualTo(Kind.RESTART_LOOP);
        var counted = judge(1, c("w1", "running", "", ServiceHealth.RESTART_LOOP_COUNT));
        assertThat(counted.kind()).isEqualTo(Kind.RESTART_LOOP);
        assertThat(counted.describe()).isEqualTo("ami-platform/celeryworker: w1 is restart-looping (3 restarts)");
        assertThat(judge(1, c("w1", "running", "", ServiceHealth.RESTART_LOOP_COUNT - 1)).up()).isTrue();
    }

    @Test
    void aHealthcheckThatSaysUnhealthyOrHasNotDecidedIsNotUp() {
        assertThat(judge(1, c("w1", "running", "unhealthy", 0)).kind()).isEqualTo(Kind.UNHEALTHY);
        var starting = judge(1, c("w1", "running", "starting", 0));
        assertThat(starting.kind()).isEqualTo(Kind.STARTING);
        assertThat(starting.describe()).isEqualTo("ami-platform/celeryworker: w1 health is still starting");
    }
}
