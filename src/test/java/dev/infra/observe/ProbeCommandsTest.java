package dev.infra.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infra.apply.HostCommands;
import dev.infra.onboard.Prerequisites;
import dev.infra.render.ComposeProject;
import dev.infra.testing.LocalSh;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** verify's probes, onboarding's prerequisites and triage's log scan, run by this machine's real sh. */
class ProbeCommandsTest {
    @TempDir
    Path home;

    LocalSh.Result run(String script) {
        return LocalSh.inHome(home, script);
    }

    @Test
    void theComposeFlavourProbeNamesWhatIsInstalled() {
        String flavour = run(ProbeCommands.COMPOSE_FLAVOUR).output().strip();
        assertThat(flavour).isIn("v1", "v2", "none");
        // Debian 12 ships docker-compose v1 and no v2 plugin: what .ci/setup installs.
        assertThat(flavour).isEqualTo("v1");
    }

    @Test
    void theComposePluginIsFoundWhereTheDockerCliLooksWithoutRunningIt() throws Exception {
        Path plugin = home.resolve(".docker/cli-plugins/docker-compose");
        Files.createDirectories(plugin.getParent());
        // A plugin that would say so if it were run: the probe must only look at it.
        Path ran = home.resolve("ran");
        Files.writeString(plugin, "#!/bin/sh\ntouch " + ran + "\n");
        assertThat(run(ProbeCommands.COMPOSE_FLAVOUR).output().strip()).isEqualTo("v1");  // not executable: not a plugin
        assertThat(plugin.toFile().setExecutable(true)).isTrue();
        assertThat(run(ProbeCommands.COMPOSE_FLAVOUR).output().strip()).isEqualTo("v2");
        Path elsewhere = home.resolve("docker-config");
        Files.createDirectories(elsewhere.resolve("cli-plugins"));
        Files.move(plugin, elsewhere.resolve("cli-plugins/docker-compose"));
        assertThat(run(ProbeCommands.COMPOSE_FLAVOUR).output().strip()).isEqualTo("v1");
        assertThat(run("DOCKER_CONFIG=" + elsewhere + "; export DOCKER_CONFIG; " + ProbeCommands.COMPOSE_FLAVOUR).output().strip())
                .isEqualTo("v2");
        assertThat(ran).doesNotExist();
        // As the config-hash probe uses it: inside a command substitution.
        assertThat(run("echo \"[$(" + ProbeCommands.COMPOSE_FLAVOUR + ")]\"").output().strip()).isEqualTo("[v1]");
    }

    @Test
    void prerequisitesAreKeyValueLinesTheJudgementReads() {
        LocalSh.Result r = run(ProbeCommands.prerequisites("~/ami platform's dir").script());
        assertThat(r.exitCode()).isZero();
        Map<String, String> facts = Prerequisites.parse(r.output());
        assertThat(facts).containsKeys("docker", "compose", "writable", "free_kb");
        assertThat(facts.get("writable")).isEqualTo("yes");
        assertThat(Files.isDirectory(home.resolve("ami platform's dir"))).as("a path with a quote and a space").isTrue();
        assertThat(Long.parseLong(facts.get("free_kb"))).isPositive();
        assertThat(facts.get("compose")).startsWith("docker-compose ");
    }

    @Test
    void anUnwritableDeployDirIsSaidSo() {
        assertThat(Prerequisites.parse(run(ProbeCommands.prerequisites("/proc/infra-cannot-write").script()).output()).get("writable"))
                .isEqualTo("no");
    }

    @Test
    void theHttpProbePrintsTheStatusCodeOrCurlsOwnExitStatus() {
        LocalSh.Result refused = run(ProbeCommands.http("http://127.0.0.1:9/readyz?a=1&b='x'", Duration.ofSeconds(2)).script());
        assertThat(refused.exitCode()).as(refused.output()).isEqualTo(7);
        assertThat(refused.output()).contains("000");
    }

    @Test
    void theLogScanQuotesItsInputsAndDoesNothingWithoutProjects() {
        assertThat(run(ProbeCommands.errorLines(List.of(), "30m", "error", 3).script()).exitCode()).isZero();
        // Canaries with absolute paths (the sh runs in this JVM's directory, not in HOME). The project name is used on
        // every run (docker ps --filter); since and pattern only reach a shell with a container of the project.
        Path a = home.resolve("pwned-a");
        Path b = home.resolve("pwned-b");
        Path c = home.resolve("pwned-c");
        String script = ProbeCommands.errorLines(List.of("ami-platform; touch " + a + "; $(touch " + b + ")"),
                "30m'; touch " + c + "; '", "a|b`touch " + c + "`", 3).script();
        run(script);
        assertThat(a).doesNotExist();
        assertThat(b).doesNotExist();
        assertThat(c).doesNotExist();
        // …and the same canary unquoted does fire: the check above can fail.
        run("true; touch " + a);
        assertThat(a).exists();
    }

    @Test
    void configHashesAreComposesOwnAndFollowWhatTheFileInterpolatesAndItsEnvFiles() throws Exception {
        Path app = home.resolve("ami-platform");
        Path fixture = Path.of(System.getProperty("infra.repo", ".")).resolve("src/test/resources/brownfield/ami-platform");
        try (var files = Files.walk(fixture)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.createDirectories(app.resolve(fixture.relativize(f)).getParent());
                Files.copy(f, app.resolve(fixture.relativize(f)));
            }
        }
        Path envs = Files.createDirectories(app.resolve(".envs/.production"));
        Files.writeString(envs.resolve(".django"), "DJANGO_SECRET_KEY=x\n");
        Files.writeString(envs.resolve(".postgres"), "POSTGRES_USER=u\n");
        Files.writeString(envs.resolve(".compose"), "DATABASE_IP=10.0.0.2\nRABBITMQ_IP=10.0.0.3\nREDIS_IP=10.0.0.4\nNATS_IP=10.0.0.5\n");
        ComposeProject p = new ComposeProject("ami-platform", "~/ami-platform", "docker-compose.worker.yml", List.of(), List.of(),
                List.of(), false, Map.of(), List.of(), true, Optional.of(".envs/.production/.compose"));
        String before = run(ProbeCommands.configHashes(p)).output();
        assertThat(before.lines().map(l -> l.split(" ")[0]).toList())
                .containsExactly("django", "celeryworker", "celeryworker_jobs", "celeryworker_ml");
        Files.writeString(envs.resolve(".django"), "DJANGO_SECRET_KEY=x\nNATS_URL=nats://nats:4222\n");
        assertThat(run(ProbeCommands.configHashes(p)).output()).as("an env file's content is part of the hash").isNotEqualTo(before);
    }

    @Test
    void theConnectionCheckIsAHarmlessCommand() {
        assertThat(run(ProbeCommands.connection().script()).exitCode()).isZero();
    }

    @Test
    void theLastAuditLineIsReadAndAHostNeverAppliedToAnswersNothing(@TempDir Path home) throws Exception {
        String read = ProbeCommands.lastAudit(HostCommands.AUDIT_LOG).script();
        LocalSh.Result none = LocalSh.inHome(home, read);
        assertThat(none.exitCode()).isZero();
        assertThat(none.output()).isEmpty();
        Files.createDirectories(home.resolve(".infra"));
        Files.writeString(home.resolve(".infra/audit.log"), "{\"result\":\"failed\"}\n{\"result\":\"ok\"}\n");
        LocalSh.Result last = LocalSh.inHome(home, read);
        assertThat(last.exitCode()).isZero();
        assertThat(last.output()).isEqualTo("{\"result\":\"ok\"}\n");
    }
}
