package dev.infra.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.infra.testing.Inventories;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class ObserverTest {
    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theHostsReportIsParsed() {
        String report = "@@FILE ~/a\n" + b64("line\nno newline") + "\n@@FILE ~/b\n@@ABSENT\n@@COMPOSE\nv1\n"
                + "@@CONTAINERS ami-platform\n[{\"Name\":\"/ami-platform_celeryworker_1\",\"RestartCount\":2,"
                + "\"State\":{\"Status\":\"running\",\"Health\":{\"Status\":\"healthy\"}},"
                + "\"Config\":{\"Image\":\"insectai/ami_backend\",\"Env\":[\"NATS_URL=nats://nats:4222\",\"A=b=c\"],"
                + "\"Labels\":{\"com.docker.compose.service\":\"celeryworker\"}}}]\n"
                + "@@RUNNING\nami-platform_celeryworker_1|ami-platform|/root/ami-platform|\nold-nats|||0.0.0.0:4222->4222/tcp\n"
                + "@@PENDING\nami-platform/celeryworker\n@@END\n";
        ObservedHost o = Observer.parse("w1", report);
        assertThat(o.file("~/a")).contains("line\nno newline");
        assertThat(o.file("~/b")).isEmpty();
        assertThat(o.compose()).isEqualTo("v1");
        assertThat(o.containers("ami-platform", "celeryworker")).singleElement().satisfies(c -> {
            assertThat(c.running()).isTrue();
            assertThat(c.health()).isEqualTo("healthy");
            assertThat(c.restartCount()).isEqualTo(2);
            assertThat(c.env()).containsEntry("NATS_URL", "nats://nats:4222").containsEntry("A", "b=c");
            assertThat(c.image()).isEqualTo("insectai/ami_backend");
        });
        assertThat(o.running()).extracting(PortConflicts.Running::name).containsExactly("ami-platform_celeryworker_1", "old-nats");
        assertThat(o.running().get(1).hostPorts()).containsExactly(4222);
        assertThat(o.pendingRestarts()).containsExactly("ami-platform/celeryworker");
    }

    @Test
    void aHealthGatesPollReadsContainersOnlyNoFileBytes() {
        var desired = Inventories.renderer().render(Inventories.shipped("ami.yml")).get("ami-worker-2");
        String whole = Observer.command(desired).script();
        String poll = Observer.containersCommand(desired).script();
        assertThat(whole).contains("base64").contains("@@RUNNING");
        assertThat(poll).doesNotContain("base64").doesNotContain("@@FILE").doesNotContain("@@RUNNING").contains("@@CONTAINERS");
        ObservedHost o = Observer.parse("w1", "@@COMPOSE\nv1\n@@CONTAINERS ami-platform\n[]\n@@END\n");
        assertThat(o.files()).isEmpty();
        assertThat(o.compose()).isEqualTo("v1");
    }

    @Test
    void aTruncatedReportIsAnErrorNotAnEmptyHost() {
        assertThatThrownBy(() -> Observer.parse("w1", "@@FILE ~/a\n@@ABSENT\n@@COMPOSE\nv1\n"))
                .hasMessageContaining("ended early");
    }
}
