package dev.infra.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.infra.apply.HostCommands;
import dev.infra.ssh.RemoteCommand;
import dev.infra.testing.Inventories;
import dev.infra.testing.LocalSh;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ObserverTest {
    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theHostsReportIsParsed() {
        String report = "@@FILE ~/a\n" + b64("line\nno newline") + "\n@@FILE ~/b\n@@ABSENT\n@@COMPOSE\nv1\n"
                + "@@PROJECT ami-platform\n@@CONTAINERS\n[{\"Name\":\"/ami-platform_celeryworker_1\",\"RestartCount\":2,"
                + "\"State\":{\"Status\":\"running\",\"Running\":true,\"Health\":{\"Status\":\"healthy\"}},"
                + "\"Config\":{\"Image\":\"insectai/ami_backend\",\"Env\":[\"NATS_URL=nats://nats:4222\",\"A=b=c\"],"
                + "\"Labels\":{\"com.docker.compose.project\":\"ami-platform\",\"com.docker.compose.service\":\"celeryworker\"}},"
                + "\"NetworkSettings\":{\"Ports\":{}}},\n"
                + "{\"Name\":\"/old-nats\",\"State\":{\"Status\":\"running\",\"Running\":true},\"Config\":{\"Labels\":{}},"
                + "\"NetworkSettings\":{\"Ports\":{\"4222/tcp\":[{\"HostIp\":\"0.0.0.0\",\"HostPort\":\"4222\"},"
                + "{\"HostIp\":\"::\",\"HostPort\":\"4222\"}],\"6222/tcp\":null}}}]\n"
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
        String poll = Observer.containersCommand(desired, true).script();
        assertThat(whole).contains("base64").contains("@@PENDING");
        assertThat(poll).as("the engine is read through the connection: no curl on the host").doesNotContain("curl");
        assertThat(poll).doesNotContain("base64").doesNotContain("@@FILE").doesNotContain("@@PENDING").contains("@@CONTAINERS");
        ObservedHost o = Observer.parse("w1", "@@COMPOSE\nv1\n@@PROJECT ami-platform\n@@CONTAINERS\n[]\n@@END\n");
        assertThat(o.files()).isEmpty();
        assertThat(o.compose()).isEqualTo("v1");
    }

    @Test
    void aTruncatedReportIsAnErrorNotAnEmptyHost() {
        assertThatThrownBy(() -> Observer.parse("w1", "@@FILE ~/a\n@@ABSENT\n@@COMPOSE\nv1\n"))
                .hasMessageContaining("ended early");
    }

    @Test
    void aFileThatIsNotUtf8StillPassesTheWriteGuard(@TempDir Path home) throws Exception {
        // An env file saved in Latin-1 by an editor: its bytes, not its decoded text, are what the guard compares.
        byte[] latin1 = "DJANGO_SITE=Montr\u00e9al\n".getBytes(StandardCharsets.ISO_8859_1);
        Files.createDirectories(home.resolve("app"));
        Files.write(home.resolve("app/.env"), latin1);
        ObservedHost o = Observer.parse("w1", "@@FILE ~/app/.env\n" + Base64.getEncoder().encodeToString(latin1) + "\n@@COMPOSE\nv1\n@@END\n");
        RemoteCommand write = HostCommands.atomicWrite("~/app/.env", "0600", o.fileSha256("~/app/.env"), bytes("NATS_URL=nats://nats:4222\n"));
        assertThat(LocalSh.run(write.script(), "NATS_URL=nats://nats:4222\n", Map.of("HOME", home.toString())).exitCode()).isZero();
        assertThat(Files.readString(home.resolve("app/.env"))).isEqualTo("NATS_URL=nats://nats:4222\n");
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
