package dev.infra.adopt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infra.testing.LocalSh;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What `infra import` reads of a compose project, run by a real sh in a real git checkout. */
class ImportCommandsTest {
    @TempDir
    Path dir;

    @Test
    void aCheckoutGivesItsTrackedComposeFileAndOnlyTheKeyNamesOfItsEnvFiles() throws Exception {
        Path app = Files.createDirectories(dir.resolve("ami platform"));
        Files.writeString(app.resolve("docker-compose.worker.yml"), "services:\n  celeryworker:\n    env_file: [./.envs/.production/.django]\n");
        Files.createDirectories(app.resolve(".envs/.production"));
        Files.writeString(app.resolve(".envs/.production/.django"), "# team\nDJANGO_SECRET_KEY=s3cr3t\nexport DATABASE_URL=postgres://u:pw@db/x\n");
        Files.writeString(app.resolve(".envs/.production/.compose"), "NATS_IP=10.0.0.5\nNATS_URL=\"nats://nats:4222\"\n");
        Files.writeString(app.resolve(".gitignore"), ".envs/\n");
        assertThat(LocalSh.run("cd '" + app + "' && git init -q && git add -A && git -c user.name=t -c user.email=t@t commit -qm v1").exitCode()).isZero();

        LocalSh.Result r = LocalSh.run(ImportCommands.project(app.toString(), List.of("docker-compose.worker.yml", "missing.yml")).script());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.output()).doesNotContain("s3cr3t").doesNotContain("postgres://");
        HostFacts.Project p = HostFacts.parseProject(app.toString(), r.output());
        assertThat(p.git()).isTrue();
        assertThat(p.tracked()).containsExactly("docker-compose.worker.yml");
        assertThat(p.composeFiles().get("docker-compose.worker.yml")).contains("celeryworker:");
        assertThat(p.envFiles().get(".envs/.production/.django").keys()).containsExactly("DJANGO_SECRET_KEY", "DATABASE_URL");
        assertThat(p.envFiles().get(".envs/.production/.django").natsUrl()).isEmpty();
        assertThat(p.envFiles().get(".envs/.production/.compose").natsUrl()).contains("nats://nats:4222");
    }

    @Test
    void aDirectoryNameCannotRunCommands() throws Exception {
        Path canary = dir.resolve("canary");
        String evil = dir.resolve("x'; touch " + canary + "; '").toString();
        Files.createDirectories(Path.of(evil));
        LocalSh.Result r = LocalSh.run(ImportCommands.project(evil, List.of("$(touch " + canary + ").yml")).script());
        assertThat(r.exitCode()).isZero();
        assertThat(canary).doesNotExist();
    }
}
