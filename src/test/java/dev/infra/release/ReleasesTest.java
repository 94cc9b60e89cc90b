package dev.infra.release;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infra.inventory.Host;
import dev.infra.inventory.Release;
import dev.infra.inventory.Role;
import dev.infra.inventory.SshTarget;
import dev.infra.release.Releases.HostHistory;
import dev.infra.render.ComposeProject;
import dev.infra.render.DesiredRelease;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What a rollback returns each host to: the fleet's newest release undone, on the hosts it reached. */
class ReleasesTest {
    static final String V0 = "0000000ffffffffffffffffffffffffffffffff0";
    static final String V1 = ReleaseHistoryTest.V1;
    static final String V2 = ReleaseHistoryTest.V2;
    static final DesiredRelease WANTED = new DesiredRelease("worker", new ComposeProject("ami-platform", "~/ami-platform", "c.yml", List.of(),
            List.of(), List.of(), false, Map.of()), new Release("git://o/a.git", "v2", Optional.empty(), Optional.empty(), Optional.empty(),
            Map.of()), false);

    static HostHistory host(String name, String... lines) {
        Host h = new Host(name, Optional.of(name), Optional.empty(), List.of(Role.WORKER), Optional.empty(),
                new SshTarget(Optional.empty(), Optional.of("root"), 22, Optional.empty(), "kh", "cfg", Duration.ofSeconds(5)));
        return new HostHistory(h, List.of(WANTED), Optional.of(ReleaseHistory.of(List.of(lines))), Optional.empty());
    }

    @Test
    void aRolloutStoppedHalfwayIsUndoneOnlyWhereItArrived() {
        List<HostHistory> fleet = List.of(
                host("w1", ReleaseHistoryTest.line("2026-11-01T10:00:00Z", "ok", "v1", V0, V1), ReleaseHistoryTest.line("2026-11-28T10:00:00Z", "ok", "v2", V1, V2)),
                host("w2", ReleaseHistoryTest.line("2026-11-01T10:00:00Z", "ok", "v1", V0, V1), ReleaseHistoryTest.line("2026-11-28T10:00:05Z", "ok", "v2", V1, V2)),
                host("w3", ReleaseHistoryTest.line("2026-11-01T10:00:00Z", "ok", "v1", V0, V1), ReleaseHistoryTest.line("2026-11-28T10:00:09Z", "failed", "v2", V1, V2)),
                host("w4"));
        Map<String, String> none = new LinkedHashMap<>();
        assertThat(Releases.rollbackRefs(fleet, Optional.empty(), none)).containsExactly(Map.entry("w1", V1), Map.entry("w2", V1));
        assertThat(none.get("w3")).contains("not what the newest release (2222222) put there");
        assertThat(none.get("w4")).contains("no release by infra recorded");
        assertThat(Releases.rollbackRefs(fleet, Optional.of("v0"), new LinkedHashMap<>())).containsOnlyKeys("w1", "w2", "w3", "w4")
                .containsValue("v0");
    }
}
