package dev.infra.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infra.render.ComposeProject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A container outside infra's projects holding a port infra needs is named; infra's own never is. */
class PortConflictsTest {
    static final ComposeProject NATS = new ComposeProject("nats", "~/nats", "docker-compose.yml",
            List.of(new ComposeProject.Service("nats", 1, "nats:2.10-alpine")), List.of(), List.of(), true, Map.of(), List.of(4222, 8222));

    @Test
    void aForeignNatsOnTheSamePortsIsAConflictSayingWhatToDo() {
        var foreign = new PortConflicts.Running("nats-hand_nats_1", "nats-hand", "/root/nats-hand", List.of(4222));
        var conflicts = PortConflicts.find(List.of(NATS), List.of(foreign));
        assertThat(conflicts).singleElement().satisfies(c -> assertThat(c.describe())
                .isEqualTo("container nats-hand_nats_1 (compose project 'nats-hand' in /root/nats-hand) holds port 4222, which nats needs:"
                        + " adopt it (point the inventory's deploy_dir at /root/nats-hand so infra manages that project) or stop it"
                        + " (docker stop nats-hand_nats_1); infra does not start a second server on the same port"));
    }

    @Test
    void infraSOwnProjectAndUnrelatedPortsAreNoConflict() {
        var own = new PortConflicts.Running("nats_nats_1", "nats", "/root/nats", List.of(4222));
        var unrelated = new PortConflicts.Running("web", "other", "/srv/web", List.of(80));
        assertThat(PortConflicts.find(List.of(NATS), List.of(own, unrelated))).isEmpty();
    }

    @Test
    void composePortMappingsGiveTheirHostPort() {
        assertThat(ComposeProject.hostPort("5001:5000")).contains(5001);
        assertThat(ComposeProject.hostPort("127.0.0.1:8222:8222/tcp")).contains(8222);
        assertThat(ComposeProject.hostPort("5000")).isEmpty();
    }
}
