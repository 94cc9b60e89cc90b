package dev.infra.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infra.observe.ObservedContainer;
import dev.infra.observe.ObservedHost;
import dev.infra.observe.ServiceHealth;
import dev.infra.render.ComposeProject;
import dev.infra.render.Duties;
import dev.infra.render.HostState;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The health gate's judgements: a restart while it watches is a crash loop; restarts long past are not. */
class HealthTest {
    static final HostState DESIRED = new HostState(null, List.of(), List.of(), List.of(new ComposeProject("ami-platform", "~/ami-platform",
            "docker-compose.worker.yml", List.of(new ComposeProject.Service("celeryworker", 1, "w")), List.of(), List.of(), false, Map.of())),
            new Duties(false, Optional.empty(), List.of(), List.of(), List.of(), List.of(), false, Optional.empty()));

    static ObservedHost host(String state, int restarts) {
        return new ObservedHost("w1", Map.of(), "v1", List.of(new ObservedContainer("ami-platform", "celeryworker",
                "ami-platform_celeryworker_1", state, "", restarts, Map.of())), Set.of());
    }

    @Test
    void aRestartWhileTheGateWatchesIsACrashLoopEvenIfItShowsRunning() {
        Map<String, Integer> first = new HashMap<>();
        assertThat(Health.restartedSince(first, host("running", 0), DESIRED)).isEmpty();
        assertThat(Health.restartedSince(first, host("running", 0), DESIRED)).isEmpty();
        assertThat(Health.restartedSince(first, host("running", 2), DESIRED)).hasValueSatisfying(m -> assertThat(m)
                .isEqualTo("service ami-platform/celeryworker: ami-platform_celeryworker_1 is restart-looping (2 restart(s) while the health gate watched)"));
    }

    @Test
    void restartsFromBeforeTheGateAreNoReasonToFail() {
        assertThat(Health.restartedSince(new HashMap<>(), host("running", ServiceHealth.RESTART_LOOP_COUNT + 4), DESIRED)).isEmpty();
        assertThat(Health.notUp(host("running", ServiceHealth.RESTART_LOOP_COUNT + 4), DESIRED)).isEmpty();
        assertThat(Health.notUp(host("restarting", 1), DESIRED)).hasValueSatisfying(m -> assertThat(m).contains("0 of 1 running"));
    }
}
