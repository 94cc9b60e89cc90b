package dev.infra.adopt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infra.nats.JobStream;
import dev.infra.testing.Cli;
import dev.infra.testing.LabExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The first apply on a fleet infra did not build: the app and worker hosts run a git checkout of the
 * app (its own compose files, anchors, CELERY_QUEUES, ./config mounts, builds, --env-file), started as
 * its deploy script starts them; worker-2's env file lacks NATS_URL; the hand-managed NATS keeps
 * JetStream in /tmp and holds a job. Only the intended fixes happen, nothing is lost, the checkouts stay clean.
 */
class BrownfieldLabTest {
    @RegisterExtension
    static LabExtension lab = new LabExtension();

    static final String WORKER = "ami-worker-2";
    static final String APP = "ami-live";
    static final String NATS = "ami-redis-1";

    /** One deployment of the app's checkout: its own compose file, the team's env files, and which services run. */
    static String appOwned(String role, String composeFile, String services) {
        return "  " + role + ":\n"
                + "    deploy_dir: ~/ami-platform\n"
                + "    compose_file: " + composeFile + "\n"
                + "    compose_owner: app\n"
                + "    compose_env_file: .envs/.production/.compose\n"
                + "    env_file: .envs/.production/.django\n"
                + "    env_files: [.envs/.production/.django, .envs/.production/.postgres]\n"
                + "    managed_env:\n"
                + "      NATS_URL: ${var:nats_url}\n"
                + "    services:\n" + services;
    }

    /** lab.yml whose deployments are the app's own compose files (compose_owner: app). */
    static Path brownfieldInventory() throws Exception {
        String base = Files.readString(Path.of(Cli.inventory("lab.yml")));
        String deployments = "deployments:\n"
                + appOwned("app", "docker-compose.production.yml",
                        "      django: {}\n      celeryworker: {}\n      celerybeat: {}\n      flower: {}\n")
                + appOwned("worker", "docker-compose.worker.yml",
                        "      django: {scale: 0}\n      celeryworker: {}\n      celeryworker_jobs: {}\n      celeryworker_ml: {scale: 2}\n");
        Path file = lab.dir().resolve("lab-brownfield.yml");
        Files.writeString(file, base.substring(0, base.indexOf("\ndeployments:")) + "\n" + deployments);
        return file;
    }

    static String env(String host, String container, String key) {
        return lab.sh(host, "docker inspect " + container + " --format '{{range .Config.Env}}{{println .}}{{end}}' | grep '^" + key
                + "=' || true").strip();
    }

    @Test
    void theFirstApplyMakesOnlyTheIntendedFixesAndKeepsTheCheckoutsClean() throws Exception {
        // The state production is in: infra never ran here.
        Brownfield.setUp(lab);
        lab.standin(WORKER, "enqueue --job 9300 --tasks 4");
        assertThat(env(WORKER, "ami-platform_celeryworker_1", "NATS_URL")).isEmpty();
        String appContainers = lab.sh(APP, "docker ps -aq --no-trunc | sort");
        JobStream jobBefore = lab.stream("job_9300");

        Path inventory = brownfieldInventory();
        Cli.Result plan = lab.infraOn(inventory, "plan", "--no-color");
        System.out.println(plan.out());
        assertThat(plan.exitCode()).as(plan.all()).isZero();
        assertThat(plan.out()).doesNotContain("# " + APP).doesNotContain("# ami-cc")
                .contains("# " + WORKER).contains("+ NATS_URL=nats://nats:4222")
                .contains("-/+ service ami-platform/celeryworker (NATS_URL changed in the env file)")
                .contains("-/+ service ami-platform/celeryworker_jobs (NATS_URL changed in the env file)")
                .contains("-/+ service ami-platform/celeryworker_ml (NATS_URL changed in the env file)")
                .doesNotContain("docker-compose.worker.yml").doesNotContain("service ami-platform/django")
                .contains("# " + NATS).contains("JetStream's store moves: /tmp/nats/jetstream").contains("job_9300")
                .doesNotContain("s3cr3t");

        Cli.Result apply = lab.infraOn(inventory, "apply", "--yes", "--no-color");
        System.out.println(apply.out());
        assertThat(apply.exitCode()).as(apply.all()).isZero();

        // Each worker container keeps what the app's file gives it, and now has NATS_URL.
        for (String[] c : new String[][] {{"ami-platform_celeryworker_1", "antenna"}, {"ami-platform_celeryworker_jobs_1", "jobs"},
                {"ami-platform_celeryworker_ml_1", "ml_results"}, {"ami-platform_celeryworker_ml_2", "ml_results"}}) {
            assertThat(env(WORKER, c[0], "CELERY_QUEUES")).isEqualTo("CELERY_QUEUES=" + c[1]);
            assertThat(env(WORKER, c[0], "NATS_URL")).isEqualTo("NATS_URL=nats://nats:4222");
            assertThat(env(WORKER, c[0], "DJANGO_SECRET_KEY")).isEqualTo("DJANGO_SECRET_KEY=s3cr3t-not-infras");
            assertThat(env(WORKER, c[0], "POSTGRES_USER")).isEqualTo("POSTGRES_USER=antenna");
            assertThat(lab.sh(WORKER, "docker inspect " + c[0] + " --format '{{range .Mounts}}{{.Destination}} {{end}}'")).contains("/app/config");
        }
        assertThat(lab.sh(APP, "docker ps -aq --no-trunc | sort")).as("nothing on ami-live was recreated").isEqualTo(appContainers);
        assertThat(env(APP, "ami-platform_celeryworker_1", "NATS_URL")).isEqualTo("NATS_URL=nats://nats:4222");
        JobStream jobAfter = lab.stream("job_9300");
        assertThat(jobAfter.messages()).isEqualTo(jobBefore.messages());
        assertThat(jobAfter.consumer("job-9300-consumer").orElseThrow().ackFloorStreamSeq())
                .isEqualTo(jobBefore.consumer("job-9300-consumer").orElseThrow().ackFloorStreamSeq());

        // The checkouts are clean, and the team's deploy keeps working.
        for (String host : List.of(APP, WORKER)) {
            assertThat(lab.sh(host, "cd ~/ami-platform && git status --porcelain")).as(host).isEmpty();
            lab.sh(host, "set -e; cd /srv/antenna-src && echo '# v2' >> config/settings.ini && " + Brownfield.GIT + " commit -qam v2"
                    + " && git push -q /srv/antenna.git main");
            lab.sh(host, "cd ~/ami-platform && git pull -q --ff-only && grep -q v2 config/settings.ini");
        }
        Cli.Result again = lab.infraOn(inventory, "plan", "--detailed-exitcode");
        assertThat(again.exitCode()).as(again.all()).isZero();
        assertThat(again.out()).contains("No changes.").doesNotContain("Note:");

        // The app changes its own compose file and pulls it without redeploying: the app's change, not infra drift.
        lab.sh(WORKER, "set -e; cd /srv/antenna-src && sed -i 's/CELERY_QUEUES: \"ml_results\"/CELERY_QUEUES: \"ml_results,jobs\"/'"
                + " docker-compose.worker.yml && " + Brownfield.GIT + " commit -qam v3 && git push -q /srv/antenna.git main"
                + " && cd ~/ami-platform && git pull -q --ff-only");
        Cli.Result pulled = lab.infraOn(inventory, "plan", "--detailed-exitcode", "--no-color");
        assertThat(pulled.exitCode()).as(pulled.all()).isZero();
        assertThat(pulled.out()).contains("Note: " + WORKER + ": ami-platform/celeryworker_ml: the app's docker-compose.worker.yml")
                .contains("No changes.").doesNotContain("celeryworker_jobs:");
        Cli.Result drift = lab.infraOn(inventory, "drift", "--no-color");
        assertThat(drift.exitCode()).as(drift.all()).isZero();
        assertThat(drift.out()).contains("Note: " + WORKER).contains("OK no drift");
    }
}
