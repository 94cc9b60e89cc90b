package dev.infra.release;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infra.lab.LabDocker;
import dev.infra.lab.LabPlan;
import dev.infra.testing.Cli;
import dev.infra.testing.LabExtension;
import dev.infra.testing.Schemas;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Releases on a lab whose app ships from git: an origin (a git daemon on ami-git) with v1, v2 and a
 * broken v3 of a small app whose workers take 3 s per task and log its start and finish; ami-live and
 * two worker hosts run a checkout at v1, started by hand as the app's deploy script does.
 */
class ReleaseLabTest {
    @RegisterExtension
    static LabExtension lab = new LabExtension("lab-release.yml", List.of(LabPlan.Spare.tools("ami-git")));

    static final String ORIGIN = "ami-git";
    static final String APP = "ami-live";
    static final List<String> HOSTS = List.of(APP, "ami-worker-2", "ami-worker-3");
    static final Path FIXTURE = Cli.repo().resolve("src/test/resources/release-app");
    static final String GIT = "git -c user.name=dev -c user.email=dev@antenna.example";
    static final String DIR = "~/ami-platform";
    static final int TASKS = 36;
    /** tag → commit, as the origin has them. */
    static final Map<String, String> SHA = new LinkedHashMap<>();

    static String composeFile(String host) {
        return host.equals(APP) ? "docker-compose.production.yml" : "docker-compose.worker.yml";
    }

    /** Runs {@code script} on the origin host (a spare: no pinned host key, so through Docker, not SSH). */
    static String onOrigin(String script) {
        LabDocker.ExecResult r = LabDocker.exec(lab.docker(), lab.labHost(ORIGIN).container(), Duration.ofMinutes(1), "sh", "-c", script);
        assertThat(r.ok()).as(script + "\n" + r.output()).isTrue();
        return r.output();
    }

    /** The app's origin: v1; v2 two commits later (a migration, the worker's new version); v3, whose worker cannot start. */
    static void origin() throws Exception {
        onOrigin("pkill -x git-daemon 2>/dev/null || true; rm -rf /srv/src /srv/git && mkdir -p /srv/git");
        try (Stream<Path> files = Files.walk(FIXTURE)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String to = "/srv/src/" + FIXTURE.relativize(f);
                onOrigin("mkdir -p \"$(dirname " + to + ")\" && echo " + Base64.getEncoder().encodeToString(Files.readAllBytes(f))
                        + " | base64 -d > " + to);
            }
        }
        onOrigin("set -e; cd /srv/src && git init -q -b main && " + GIT + " add -A && " + GIT + " commit -qm 'the worker stand-in at v1'"
                + " && git tag v1"
                + " && mkdir -p migrations && echo 'add task timings' > migrations/0002_task_timings.txt && " + GIT + " add -A && "
                + GIT + " commit -qm 'migrations: 0002 task timings'"
                + " && sed -i 's/APP_VERSION=v1/APP_VERSION=v2/' Dockerfile && " + GIT + " commit -qam 'worker: drains on SIGTERM (v2)' && git tag v2"
                + " && sed -i 's/APP_VERSION=v2/APP_VERSION=v3/' Dockerfile"
                + " && sed -i 's|      LAB_TASK_SECONDS: \"3\"|      LAB_TASK_SECONDS: \"3\"\\n      LAB_BROKEN: \"No module named tasks_v3\"|' docker-compose.*.yml"
                + " && " + GIT + " commit -qam 'worker: v3 (imports a module it does not ship)' && git tag v3"
                + " && git init -q --bare -b main /srv/git/antenna.git && git push -q /srv/git/antenna.git main --tags"
                + " && git daemon --detach --reuseaddr --export-all --base-path=/srv/git /srv/git");
        for (String tag : List.of("v1", "v2", "v3")) {
            SHA.put(tag, onOrigin("git -C /srv/src rev-parse " + tag).strip());
        }
    }

    /** Each host a clone at v1 with the team's env files, its containers started as the deploy script starts them. */
    static void checkoutAtV1(String host) {
        lab.sh(host, "docker ps -aq --filter label=com.docker.compose.project=ami-platform | xargs -r docker rm -f >/dev/null;"
                + " rm -rf ~/ami-platform ~/.infra/audit.log && git clone -q git://ami-git/antenna.git ~/ami-platform"
                + " && cd ~/ami-platform && git -c advice.detachedHead=false checkout -q v1 && mkdir -p logs");
        lab.put(host, DIR + "/.envs/.production/.django", "# owned by the app team\nDJANGO_SECRET_KEY=s3cr3t-not-infras\nNATS_URL=nats://nats:4222\n");
        lab.put(host, DIR + "/.envs/.production/.compose", "NATS_IP=" + lab.natsIp() + "\n");
        lab.sh(host, "cd ~/ami-platform && docker-compose -p ami-platform -f " + composeFile(host)
                + " --env-file .envs/.production/.compose up -d --build 2>&1");
    }

    @BeforeEach
    void fleetAtV1() throws Exception {
        origin();
        HOSTS.forEach(ReleaseLabTest::checkoutAtV1);
        lab.converge();
    }

    static String head(String host) {
        return lab.sh(host, "git -C ~/ami-platform rev-parse HEAD").strip();
    }

    static String short7(String tag) {
        return SHA.get(tag).substring(0, 7);
    }

    /** APP_VERSION of the running celery worker of {@code host}. */
    static String workerVersion(String host) {
        return lab.sh(host, "docker inspect $(docker ps -q --filter label=com.docker.compose.project=ami-platform"
                + " --filter label=com.docker.compose.service=celeryworker) --format '{{range .Config.Env}}{{println .}}{{end}}'"
                + " | sed -n 's/^APP_VERSION=//p'").strip();
    }

    static Cli.Result infra(String version, String... args) {
        List<String> all = new ArrayList<>(List.of("--var", "app_version=" + version));
        all.addAll(List.of(args));
        return lab.infra(all.toArray(String[]::new));
    }

    /** Every task line of every host's log, the timestamp cut off: "start job … task …" / "finish …". */
    static List<String> taskLines() {
        List<String> lines = new ArrayList<>();
        for (String host : HOSTS) {
            lab.sh(host, "cat ~/ami-platform/logs/tasks.log 2>/dev/null || true").lines().filter(l -> !l.isBlank())
                    .map(l -> l.substring(l.indexOf(' ') + 1)).forEach(lines::add);
        }
        return lines;
    }

    @Test
    void v1ToV2MigratesOnceRollsTheWorkersWithoutCuttingATaskAndEndsClean() {
        Cli.Result plan = infra("v2", "plan", "--no-color");
        assertThat(plan.exitCode()).as(plan.all()).isZero();
        for (String host : HOSTS) {
            assertThat(plan.out()).contains("# " + host);
        }
        assertThat(plan.out()).contains("version ami-platform: " + short7("v1") + " → " + short7("v2") + " (v2), 2 commit(s)")
                .contains("worker: drains on SIGTERM (v2)").contains("migrations: 0002 task timings")
                .contains("release command, once, before the rollout: migrate (in a new django container)")
                .contains("service ami-platform/celeryworker (runs " + short7("v2") + " (v2))");
        assertThat(plan.out().split("release command, once", -1)).as("the release command on one host only").hasSize(2);
        Cli.Result json = infra("v2", "plan", "--json");
        assertThat(Schemas.problems("plan", json.out())).as(json.out()).isEmpty();
        assertThat(json.out()).contains("\"reason\" : \"new_version\"").contains("\"from_tag\" : \"v1\"");

        // More work than the rollout lasts (3 workers, 3 s a task): every worker has a task in hand when it is told to stop.
        lab.standin(APP, "enqueue --job 5001 --tasks " + TASKS);
        lab.awaitOutput(APP, "cat ~/ami-platform/logs/tasks.log 2>/dev/null", out -> out.contains("start job 5001"));
        Cli.Result apply = infra("v2", "apply", "--yes", "--no-color", "--batch", "1");
        assertThat(apply.exitCode()).as(apply.all()).isZero();
        assertThat(apply.out()).contains("Batch 1/3").contains("Batch 3/3").contains("release command done")
                .contains("recreated celeryworker on the new version (each old container given 20s to finish its task)");
        assertThat(lab.sh(APP, "cat ~/ami-platform/logs/migrations.log").lines().filter(l -> l.contains("migrate:")).toList())
                .as("the migration ran exactly once").singleElement().asString().contains("of v2");
        for (String host : HOSTS) {
            assertThat(head(host)).as(host).isEqualTo(SHA.get("v2"));
            assertThat(workerVersion(host)).as(host).isEqualTo("v2");
        }
        lab.awaitStatus(APP, "5001", "\"num_ack_pending\":0,\"num_pending\":0");
        List<String> lines = taskLines();
        List<String> started = lines.stream().filter(l -> l.startsWith("start ")).map(l -> l.substring(6)).toList();
        List<String> finished = lines.stream().filter(l -> l.startsWith("finish ")).map(l -> l.substring(7)).toList();
        assertThat(finished).as("every task started was finished by the container that started it").containsAll(started);
        assertThat(started).as("tasks were taken by v1 and v2 workers").anyMatch(l -> l.contains("version v1"))
                .anyMatch(l -> l.contains("version v2"));
        assertThat(lines).as("all tasks done, none twice").filteredOn(l -> l.startsWith("finish ")).hasSize(TASKS);
        assertThat(lines).as("each v1 worker was stopped with a task in hand, and finished it")
                .filteredOn(l -> l.startsWith("stop container") && l.contains("(version v1): 1 task(s) in hand")).hasSize(HOSTS.size());

        assertThat(lab.sh("ami-worker-2", "cat ~/ami-platform/logs/hooks.log").lines().toList()).as("the hooks, around the host's change")
                .containsExactly("before " + short7("v1"), "after " + short7("v2"));
        Cli.Result again = infra("v2", "plan", "--detailed-exitcode", "--no-color");
        assertThat(again.exitCode()).as(again.all()).isZero();
    }

    @Test
    void aDirtyCheckoutStopsThatHostNamingItsFilesAndTheOthersComplete() {
        lab.sh("ami-worker-3", "echo '# tuned by hand' >> ~/ami-platform/docker-compose.worker.yml");
        Cli.Result plan = infra("v2", "plan", "--no-color");
        assertThat(plan.out()).contains("apply will stop on this host: the checkout ~/ami-platform has local changes to: docker-compose.worker.yml");

        Cli.Result apply = infra("v2", "apply", "--yes", "--no-color", "--batch", "1", "--max-fail", "1");
        assertThat(apply.exitCode()).as(apply.all()).isEqualTo(1);
        assertThat(apply.out()).contains("ami-worker-3: ").contains("has local changes to: docker-compose.worker.yml")
                .doesNotContain("Exception");
        assertThat(head("ami-worker-3")).isEqualTo(SHA.get("v1"));
        assertThat(lab.sh("ami-worker-3", "tail -n 1 ~/ami-platform/docker-compose.worker.yml").strip()).isEqualTo("# tuned by hand");
        assertThat(workerVersion("ami-worker-3")).isEqualTo("v1");
        assertThat(head(APP)).isEqualTo(SHA.get("v2"));
        assertThat(head("ami-worker-2")).isEqualTo(SHA.get("v2"));
    }

    @Test
    void rollbackReturnsEveryHostToV1AndReleasesShowsBothVersions() {
        assertThat(infra("v2", "apply", "--yes", "--no-color").exitCode()).isZero();
        Cli.Result rollback = infra("v2", "rollback", "--yes", "--no-color", "--batch", "1");
        assertThat(rollback.exitCode()).as(rollback.all()).isZero();
        assertThat(rollback.out()).contains(short7("v2") + " → " + short7("v1")).contains("2 commit(s) back")
                .doesNotContain("release command, once");
        for (String host : HOSTS) {
            assertThat(head(host)).as(host).isEqualTo(SHA.get("v1"));
            assertThat(workerVersion(host)).as(host).isEqualTo("v1");
        }
        Cli.Result releases = infra("v2", "releases");
        assertThat(releases.exitCode()).as(releases.all()).isZero();
        for (String host : HOSTS) {
            assertThat(releases.out().lines().filter(l -> l.startsWith(host + " ")).findFirst()).as(host).get().asString()
                    .contains("v1 (" + short7("v1") + ")").contains("v2 (" + short7("v2") + ")");
        }
        assertThat(lab.sh(APP, "cat ~/ami-platform/logs/migrations.log").lines().filter(l -> l.contains("migrate:")).toList())
                .as("going back runs no migration").hasSize(1);
    }

    @Test
    void aV3WhoseWorkerFailsItsGateIsRolledBackOnTheFirstBatchAndTheRestNeverSeeIt() {
        assertThat(infra("v2", "apply", "--yes", "--no-color").exitCode()).isZero();
        String workerContainers = lab.sh("ami-worker-2", "docker ps -q --filter label=com.docker.compose.project=ami-platform");
        Cli.Result apply = infra("v3", "apply", "--yes", "--no-color", "--batch", "1");
        assertThat(apply.exitCode()).as(apply.all()).isEqualTo(1);
        assertThat(apply.out()).contains("rolled back to " + short7("v2")).contains("Not touched: ami-worker-2, ami-worker-3");
        for (String host : HOSTS) {
            assertThat(head(host)).as(host).isEqualTo(SHA.get("v2"));
        }
        assertThat(lab.awaitOutput(APP, "docker inspect $(docker ps -q --filter label=com.docker.compose.service=celeryworker)"
                + " --format '{{.State.Health.Status}}'", s -> s.strip().equals("healthy"))).isNotBlank();
        assertThat(workerVersion(APP)).isEqualTo("v2");
        assertThat(lab.sh("ami-worker-2", "docker ps -q --filter label=com.docker.compose.project=ami-platform"))
                .as("the rest never saw v3: their containers are the same").isEqualTo(workerContainers);
    }

    @Test
    void aRefTheOriginLacksAnOriginNobodyReachesOrALimitWithoutTheMigrationChangesNothing() {
        Cli.Result plan = infra("v9", "plan", "--no-color");
        assertThat(plan.exitCode()).isEqualTo(1);
        assertThat(plan.all()).contains("no tag, branch or commit v9 at git://ami-git/antenna.git").doesNotContain("Exception");
        Cli.Result apply = infra("v9", "apply", "--yes", "--no-color");
        assertThat(apply.exitCode()).isEqualTo(1);
        Cli.Result unreachable = lab.infra("--var", "app_version=v2", "--var", "app_git=git://ami-git:9/antenna.git", "apply", "--yes",
                "--no-color");
        assertThat(unreachable.exitCode()).isEqualTo(1);
        assertThat(unreachable.all()).contains("cannot fetch from git://ami-git:9/antenna.git").doesNotContain("Exception");
        Cli.Result limited = infra("v2", "apply", "--yes", "--no-color", "--limit", "ami-worker-2");
        assertThat(limited.exitCode()).isEqualTo(1);
        assertThat(limited.all()).contains("the release command `migrate` of this version runs on ami-live, which --limit leaves out");
        for (String host : HOSTS) {
            assertThat(head(host)).as(host).isEqualTo(SHA.get("v1"));
            assertThat(workerVersion(host)).as(host).isEqualTo("v1");
        }
    }
}
