package dev.infra.onboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Onboarding's prerequisites judged from what the probe prints: each failure stated plainly. */
class PrerequisitesTest {
    static final String READY = "docker=20.10.24+dfsg1\ncompose=docker-compose 1.29.2\nwritable=yes\nfree_kb=52428800\n";

    static List<Prerequisites.Item> judge(String output, Optional<String> reach) {
        return Prerequisites.judge("ami-worker-3", "root", "~/ami-platform", Prerequisites.parse(output), "10.0.0.5:4222", reach);
    }

    @Test
    void aReadyMachinePassesEveryItemWithWhatWasFound() {
        List<Prerequisites.Item> items = judge(READY, Optional.empty());
        assertThat(items).allMatch(Prerequisites.Item::ok);
        assertThat(items).extracting(Prerequisites.Item::text).containsExactly("Docker engine 20.10.24+dfsg1",
                "compose: docker-compose 1.29.2", "~/ami-platform is writable", "50 GiB free", "NATS 10.0.0.5:4222 reachable");
    }

    @Test
    void eachMissingPieceIsNamedWithWhatToDo() {
        List<Prerequisites.Item> items = judge("docker=\ncompose=\nwritable=no\nfree_kb=1024\n", Optional.of("cannot reach NATS at 10.0.0.5:4222"));
        assertThat(items).noneMatch(Prerequisites.Item::ok);
        assertThat(items).extracting(Prerequisites.Item::text).containsExactly(
                "no Docker engine answers on ami-worker-3 (install docker.io and start it; the SSH user must be allowed to use it)",
                "neither `docker compose` nor `docker-compose` is installed on ami-worker-3",
                "~/ami-platform cannot be created or written by root",
                "only 1 MiB free under ~/ami-platform (at least 2 GiB needed for images)",
                "cannot reach NATS at 10.0.0.5:4222");
    }

    @Test
    void garbageOutputIsNotMistakenForAReadyMachine() {
        assertThat(judge("bash: docker: command not found\n", Optional.empty())).filteredOn(i -> !i.ok()).hasSize(4);
    }
}
