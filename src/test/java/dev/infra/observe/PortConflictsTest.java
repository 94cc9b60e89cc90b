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
    void dockerPsLinesAreParsedWithEveryPublishedHostPortOnce() {
        var r = PortConflicts.Running.parse("nats-hand_nats_1|nats-hand|/root/nats-hand|0.0.0.0:4222->4222/tcp, :::4222->4222/tcp, "
                + "0.0.0.0:8222->8222/tcp, 6222/tcp");
        assertThat(r.name()).isEqualTo("nats-hand_nats_1");
        assertThat(r.project()).isEqualTo("nats-hand");
        assertThat(r.workingDir()).isEqualTo("/root/nats-hand");
        assertThat(r.hostPorts()).containsExactly(4222, 8222);
        assertThat(PortConflicts.Running.parse("plain|||").hostPorts()).isEmpty();
    }

    @Test
    void aForeignNatsOnTheSamePortsIsAConflictSayingWhatToDo() {
        var foreign = PortConflicts.Running.parse("nats-hand_nats_1|nats-hand|/root/nats-hand|0.0.0.0:4222->4222/tcp");
        var conflicts = PortConflicts.find(List.of(NATS), List.of(foreign));
        assertThat(conflicts).singleElement().satisfies(c -> assertThat(c.describe())
                .isEqualTo("container nats-hand_nats_1 (compose project 'nats-hand' in /root/nats-hand) holds port 4222, which nats needs:"
                        + " adopt it (point the inventory's deploy_dir at /root/nats-hand so infra manages that project) or stop it"
                        + " (docker stop nats-hand_nats_1); infra does not start a second server on the same port"));
    }

    @Test
    void infraSOwnProjectAndUnrelatedPortsAreNoConflict() {
        var own = PortConflicts.Running.parse("nats_nats_1|nats|/root/nats|0.0.0.0:4222->4222/tcp");
        var unrelated = PortConflicts.Running.parse("web|other|/srv/web|0.0.0.0:80->80/tcp");
        assertThat(PortConflicts.find(List.of(NATS), List.of(own, unrelated))).isEmpty();
    }

    @Test
    void composePortMappingsGiveTheirHostPort() {
        assertThat(ComposeProject.hostPort("5001:5000")).contains(5001);
        assertThat(ComposeProject.hostPort("127.0.0.1:8222:8222/tcp")).contains(8222);
        assertThat(ComposeProject.hostPort("5000")).isEmpty();
    }
}
