package dev.infra.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infra.testing.Cli;
import dev.infra.testing.LabExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * plan → apply → drift on the lab (real sshd behind a jump host, real Docker engines, real
 * nats-server), through the CLI exactly as an operator runs it.
 */
class PlanApplyDriftLabTest {
    @RegisterExtension
    static LabExtension lab = new LabExtension();

    static final String WORKER = "ami-worker-2";
    static final String ENV = "~/ami-platform/.envs/.production/.django";

    static Cli.Result infra(String... args) {
        return lab.infra(args);
    }

    /** Each test starts from the applied fleet of lab.yml, with no lock, no streams and no leftovers of another test. */
    @BeforeEach
    void converge() {
        lab.converge();
    }

    @Test
    void aFreshFleetIsBroughtUpAndThenPlansNoChanges() {
        lab.wipe();
        Cli.Result apply = infra("apply", "--yes");
        assertThat(apply.exitCode()).as(apply.all()).isZero();
        assertThat(apply.out()).contains("Apply complete!").contains("ami-redis-1: healthy");
        Cli.Result again = infra("plan", "--detailed-exitcode");
        assertThat(again.exitCode()).as(again.all()).isZero();
        assertThat(again.out()).contains("No changes. The fleet matches the inventory.");
        Cli.Result applyAgain = infra("apply", "--yes");
        assertThat(applyAgain.out()).contains("No changes.");
    }

    @Test
    void job2226TheMissingNatsUrlIsPlannedOnThatHostOnlyAppliedAndTheWorkerThenProcessesTheJob() {
        // Production's state: the env file lost NATS_URL and the containers run without it.
        String owned = "# secrets owned by the app team\nDJANGO_SECRET_KEY=s3cr3t-not-infras\nDATABASE_URL=postgres://db/antenna\n";
        lab.put(WORKER, ENV, owned);
        lab.compose(WORKER, "~/ami-platform", "docker-compose.worker.yml", "up -d --force-recreate");

        Cli.Result plan = infra("plan", "--detailed-exitcode");
        assertThat(plan.exitCode()).as(plan.all()).isEqualTo(2);
        assertThat(plan.out()).contains("# ami-worker-2").doesNotContain("# ami-live").doesNotContain("# ami-redis-1")
                .contains("+ NATS_URL=nats://nats:4222")
                .contains("-/+ service ami-platform/celeryworker (NATS_URL changed in the env file)")
                .contains("Plan: 1 to add, 2 to change, 0 to remove.")
                .doesNotContain("s3cr3t");

        Cli.Result apply = infra("apply", "--yes");
        assertThat(apply.exitCode()).as(apply.all()).isZero();
        assertThat(lab.sh(WORKER, "cat " + ENV.replace("~", "$HOME"))).isEqualTo(owned + "NATS_URL=nats://nats:4222\n");

        lab.standin(WORKER, "enqueue --job 2226 --tasks 4");
        lab.awaitStatus(WORKER, "2226", "\"ack_floor_stream_seq\":4");
        Cli.Result after = infra("plan", "--detailed-exitcode");
        assertThat(after.exitCode()).as(after.all()).isZero();
    }

    @Test
    void everyLineOfTheEnvFileThatInfraDoesNotManageIsKeptByteForByte() {
        // Comments, blank lines, CRLF, spacing, a duplicate managed key and no final newline.
        String before = "# owned by the app team\r\nDJANGO_SECRET_KEY=a=b=c\r\n\r\n  SPACED = value  \nNATS_URL=nats://old:4222\n"
                + "export NOT_A_KEY\nNATS_URL=nats://localhost:4222\nLAST=line-without-newline";
        lab.put(WORKER, ENV, before);
        Cli.Result apply = infra("apply", "--yes", "--limit", WORKER);
        assertThat(apply.exitCode()).as(apply.all()).isZero();
        String after = lab.sh(WORKER, "cat " + ENV.replace("~", "$HOME"));
        assertThat(after).isEqualTo(before.replace("NATS_URL=nats://old:4222", "NATS_URL=nats://nats:4222")
                .replace("NATS_URL=nats://localhost:4222", "NATS_URL=nats://nats:4222"));
        assertThat(lab.sh(WORKER, "cat " + ENV.replace("~", "$HOME") + ".infra-bak")).as("backup of the previous version").isEqualTo(before);
    }

    @Test
    void handEditsAreDriftNamingTheHostAndTheDifference() {
        // Tuned by hand and reloaded: the running server now allows 77 connections.
        lab.sh("ami-redis-1", "sed -i 's/^max_connections: .*/max_connections: 77/' ~/nats/config/nats.conf"
                + " && docker kill -s HUP nats_nats_1 && sleep 1");
        assertThat(lab.sh("ami-redis-1", "curl -s http://127.0.0.1:8222/varz")).containsPattern("\"max_connections\":\\s*77");
        lab.sh("ami-live", "sed -i 's#^NATS_URL=.*#NATS_URL=nats://localhost:4222#' ~/ami-platform/.envs/.production/.django");
        // A container recreated with another environment, then the file put back: only the container drifts.
        lab.recreateWithoutNatsUrl(WORKER, "celeryworker");

        Cli.Result drift = infra("drift");
        assertThat(drift.exitCode()).as(drift.all()).isEqualTo(2);
        assertThat(drift.out())
                .contains("DRIFT ami-redis-1").contains("file ~/nats/config/nats.conf differs")
                .contains("DRIFT ami-live").contains("NATS_URL is nats://localhost:4222, want nats://nats:4222")
                .contains("DRIFT ami-worker-2").contains("celeryworker: running with an old environment: NATS_URL missing");
        Cli.Result json = infra("drift", "--json");
        assertThat(json.exitCode()).isEqualTo(2);
        assertThat(json.out()).contains("\"format_version\" : \"1.0\"").contains("\"kind\" : \"drift\"");

        // A nats.conf-only change is a reload, not a restart.
        String startedBefore = lab.sh("ami-redis-1", "docker inspect nats_nats_1 --format '{{.State.StartedAt}}'");
        Cli.Result plan = infra("plan", "--limit", "ami-redis-1");
        assertThat(plan.out()).contains("~ service nats/nats (nats.conf changed: reload (SIGHUP), no restart)");
        Cli.Result apply = infra("apply", "--yes");
        assertThat(apply.exitCode()).as(apply.all()).isZero();
        assertThat(apply.out()).contains("reloaded nats (SIGHUP)");
        assertThat(lab.sh("ami-redis-1", "docker inspect nats_nats_1 --format '{{.State.StartedAt}}'")).isEqualTo(startedBefore);
        // …and the reload really took the new file (a single-file bind mount would have kept the old one).
        assertThat(lab.sh("ami-redis-1", "sleep 1; curl -s http://127.0.0.1:8222/varz")).containsPattern("\"max_connections\":\\s*1024");
        assertThat(infra("drift").exitCode()).isZero();
    }

    /**
     * infra reads a host's engine through the SSH connection (OpenSSH's streamlocal forwarding); a
     * host whose sshd refuses that is read by its own curl or docker CLI, and its containers' live
     * environment still counts.
     */
    @Test
    void aHostWhoseSshdForwardsNoUnixSocketIsReadAllTheSame() {
        String conf = "/etc/ssh/sshd_config.d/lab.conf";
        lab.sh(WORKER, "cp " + conf + " /tmp/lab.conf.saved && echo 'AllowStreamLocalForwarding no' >> " + conf + " && kill -HUP $(cat /run/sshd.pid)");
        try {
            assertThat(lab.sh(WORKER, "sshd -T | grep -i '^allowstreamlocalforwarding'").strip()).isEqualTo("allowstreamlocalforwarding no");
            assertThat(infra("plan", "--detailed-exitcode", "--limit", WORKER).exitCode()).as("every service read as running").isZero();
            lab.recreateWithoutNatsUrl(WORKER, "celeryworker");
            Cli.Result drift = infra("drift", "--limit", WORKER);
            assertThat(drift.exitCode()).as(drift.all()).isEqualTo(2);
            assertThat(drift.out()).contains("celeryworker: running with an old environment: NATS_URL missing");
        } finally {
            lab.sh(WORKER, "cp /tmp/lab.conf.saved " + conf + " && kill -HUP $(cat /run/sshd.pid)");
        }
    }

    @Test
    void aStaleSavedPlanIsRefused() throws IOException {
        lab.sh("ami-live", "sed -i '/^NATS_URL=/d' ~/ami-platform/.envs/.production/.django");
        Path planFile = lab.dir().resolve("fix.plan.json");
        Cli.Result plan = infra("plan", "--out", planFile.toString());
        assertThat(plan.exitCode()).as(plan.all()).isZero();
        assertThat(Files.readString(planFile)).contains("\"format_version\" : \"1.0\"").contains("fingerprints");
        lab.sh("ami-live", "echo EXTRA=1 >> ~/ami-platform/.envs/.production/.django");
        Cli.Result stale = infra("apply", planFile.toString());
        assertThat(stale.exitCode()).isEqualTo(1);
        assertThat(stale.err()).contains("the saved plan is stale: ami-live changed since it was planned");
        assertThat(lab.sh("ami-live", "grep -c NATS_URL ~/ami-platform/.envs/.production/.django || true").strip()).isEqualTo("0");

        Cli.Result fresh = infra("plan", "--out", planFile.toString());
        assertThat(fresh.exitCode()).isZero();
        Cli.Result apply = infra("apply", planFile.toString());
        assertThat(apply.exitCode()).as(apply.all()).isZero();
    }

    @Test
    void aSecondApplyIsRefusedNamingTheLockHolder() {
        lab.sh("ami-cc", "mkdir -p ~/.infra/lock && echo '{\"who\":\"alice@laptop\",\"command\":\"infra apply\"}' > ~/.infra/lock/info");
        lab.sh(WORKER, "sed -i '/^NATS_URL=/d' " + ENV.replace("~", "$HOME"));
        Cli.Result refused = infra("apply", "--yes");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("locked by another apply").contains("alice@laptop").contains("infra lock release");
        assertThat(lab.sh(WORKER, "grep -c NATS_URL " + ENV.replace("~", "$HOME") + " || true").strip()).isEqualTo("0");
        assertThat(infra("lock", "status").out()).contains("alice@laptop");
        assertThat(infra("lock", "release").out()).contains("Released");
        assertThat(infra("apply", "--yes").exitCode()).isZero();
    }

    @Test
    void aRestartThatWasDueButNotDoneIsRememberedAndDone() {
        lab.sh(WORKER, "mkdir -p ~/.infra && echo ami-platform/celeryworker > ~/.infra/pending-restarts");
        Cli.Result plan = infra("plan", "--limit", "worker");
        assertThat(plan.out()).contains("celeryworker (restart left due by an interrupted apply)");
        long linesBefore = lab.sh(WORKER, "cat ~/.infra/audit.log 2>/dev/null || true").lines().count();
        assertThat(infra("apply", "--yes").exitCode()).isZero();
        assertThat(lab.sh(WORKER, "test -e ~/.infra/pending-restarts && echo left || echo gone").strip()).isEqualTo("gone");
        // The audit log keeps every earlier apply's line and gains one for this one.
        List<String> audit = lab.sh(WORKER, "cat ~/.infra/audit.log").lines().toList();
        assertThat(linesBefore).as("the converged fleet's own apply is in the log").isPositive();
        assertThat(audit).hasSize((int) linesBefore + 1);
        assertThat(audit.get(audit.size() - 1)).contains("\"result\":\"ok\"").contains("\"who\":").contains("celeryworker");
    }

    @Test
    void aFailedHostIsPutBackOnItsBackupsAndTheRunCanBeRepeated() {
        // An inventory whose worker image does not exist: the worker host cannot come up healthy.
        Path broken = lab.inventoryVariant("broken.yml", yml -> yml
                .replace("      celeryworker_ml:\n        scale: 2", "      celeryworker_ml:\n        scale: 2\n        image: infra-lab/missing:never"));
        String before = lab.sh(WORKER, "cat ~/ami-platform/docker-compose.worker.yml");
        Cli.Result r = lab.infraOn(broken, "apply", "--yes", "--limit", "worker");
        assertThat(r.exitCode()).as(r.all()).isEqualTo(1);
        assertThat(r.out()).contains("ami-worker-2: FAILED").contains("rolled back to the previous files").contains("Apply failed");
        assertThat(lab.sh(WORKER, "cat ~/ami-platform/docker-compose.worker.yml")).isEqualTo(before);
        assertThat(infra("plan", "--detailed-exitcode").exitCode()).isZero();
    }

    @Test
    void jetStreamInTmpIsPlannedAppliedAndMessagesThenSurviveARestart() {
        // The production mistake: a hand-managed compose with JetStream in the container's /tmp.
        lab.natsByHand("~/nats", "nats");

        Cli.Result plan = infra("plan", "--limit", "nats");
        assertThat(plan.out()).contains("~ file ~/nats/docker-compose.yml").contains("+      - \"nats-data:/data/jetstream\"")
                .contains("-/+ service nats/nats (compose file changed)");
        Cli.Result apply = infra("apply", "--yes");
        assertThat(apply.exitCode()).as(apply.all()).isZero();
        assertThat(lab.sh("ami-redis-1", "curl -s http://127.0.0.1:8222/jsz")).contains("/data/jetstream/jetstream");

        lab.standin(WORKER, "enqueue --job 9001 --tasks 3");
        lab.awaitStatus(WORKER, "9001", "\"delivered_stream_seq\":3");
        // Not just a restart (a container's own /tmp survives that): a brand-new container.
        lab.compose("ami-redis-1", "~/nats", "docker-compose.yml", "up -d --force-recreate");
        lab.awaitStatus(WORKER, "9001", "\"ack_floor_stream_seq\":3");
    }

    @Test
    void unknownAndChangedHostKeysAreRefusedAndNothingIsWritten() throws IOException {
        lab.put(WORKER, ENV, "DJANGO_SECRET_KEY=kept\n");
        String envBefore = lab.sh(WORKER, "cat " + ENV.replace("~", "$HOME"));
        List<String> pinned = Files.readAllLines(lab.lab().ssh().knownHosts());
        String workerLine = lab.pinnedLine("ami-worker-2");
        String liveKey = lab.pinnedLine("ami-live").split(" ", 2)[1];

        // Unknown: the worker's key is not pinned at all.
        Cli.Result unknown = withKnownHosts("unknown", pinned.stream().filter(l -> !l.equals(workerLine)).toList(), "apply", "--yes");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.all()).contains("ami-worker-2").contains("is not in").containsPattern("SHA256:[A-Za-z0-9+/]{43}")
                .contains("echo 'ami-worker-2 ssh-ed25519 ").contains(">> ").doesNotContain("Exception");

        // Changed: the name is pinned to another key.
        Cli.Result changed = withKnownHosts("changed", pinned.stream().map(l -> l.equals(workerLine) ? "ami-worker-2 " + liveKey : l).toList(),
                "apply", "--yes");
        assertThat(changed.exitCode()).isEqualTo(1);
        assertThat(changed.all()).contains("HOST KEY OF ami-worker-2 HAS CHANGED").contains("Nothing was sent");

        assertThat(lab.sh(WORKER, "cat " + ENV.replace("~", "$HOME"))).as("nothing written").isEqualTo(envBefore);
        assertThat(infra("apply", "--yes").exitCode()).isZero();
    }

    /** Runs infra with a lab directory whose known_hosts holds {@code lines} (same key, same hosts). */
    static Cli.Result withKnownHosts(String name, List<String> lines, String... command) throws IOException {
        Path dir = Files.createDirectories(lab.dir().resolve(name));
        Files.copy(lab.lab().ssh().identity(), dir.resolve("id_ed25519"), StandardCopyOption.REPLACE_EXISTING);
        Files.write(dir.resolve("known_hosts"), lines);
        return lab.infraOn(lab.inventoryFile(), dir, command);
    }
}
