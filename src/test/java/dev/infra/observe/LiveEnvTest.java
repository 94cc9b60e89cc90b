package dev.infra.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** "File fixed, container never recreated": the running containers' own environment against the desired one. */
class LiveEnvTest {
    static ObservedContainer c(String name, String state, Map<String, String> env) {
        return new ObservedContainer("ami-platform", "celeryworker", name, state, "", 0, env);
    }

    static final Map<String, String> WANT = Map.of("NATS_URL", "nats://nats:4222");

    @Test
    void aMissingKeyAndAnotherValueAreMismatchesOfThatContainer() {
        var m = LiveEnv.mismatches(List.of(c("w1", "running", Map.of()), c("w2", "running", Map.of("NATS_URL", "nats://localhost:4222")),
                c("w3", "running", WANT)), WANT);
        assertThat(m).hasSize(2);
        assertThat(m.get(0).container().name()).isEqualTo("w1");
        assertThat(m.get(0).missing()).isTrue();
        assertThat(m.get(1).live()).isEqualTo(Optional.of("nats://localhost:4222"));
        assertThat(m.get(1).wanted()).isEqualTo("nats://nats:4222");
    }

    @Test
    void anExitedContainerServesNothingAndIsNotJudged() {
        assertThat(LiveEnv.mismatches(List.of(c("old", "exited", Map.of())), WANT)).isEmpty();
    }
}
