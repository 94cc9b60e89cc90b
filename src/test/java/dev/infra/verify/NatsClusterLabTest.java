package dev.infra.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.infra.nats.JobStream;
import dev.infra.testing.Cli;
import dev.infra.testing.LabExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A three-server JetStream cluster on the lab (inventory/lab-cluster.yml): apply brings it up from
 * nothing, verify names the meta leader and its peers; one server down is a WARN naming it, two are
 * CRIT "no quorum".
 */
class NatsClusterLabTest {
    @RegisterExtension
    static LabExtension lab = new LabExtension("lab-cluster.yml");

    static String clusterLine(Cli.Result verify) {
        return verify.out().lines().filter(l -> l.matches("\\s+(OK|WARN|CRIT|UNKNOWN)\\s+cluster\\s.*")).findFirst().orElse("(no cluster line)\n" + verify.all());
    }

    static void stopNats(String host) {
        lab.sh(host, "docker stop $(docker ps -q --filter label=com.docker.compose.service=nats)");
    }

    @Test
    void fromNothingVerifyNamesTheLeaderWarnsOnOneServerDownAndIsCriticalWithoutQuorum() throws Exception {
        lab.wipe();   // apply brings the cluster up from nothing
        lab.converge();
        Cli.Result healthy = lab.infra("verify", "--no-color");
        for (int i = 0; i < 20 && !clusterLine(healthy).contains("3 of 3 peers current"); i++) {
            Thread.sleep(1000);
            healthy = lab.infra("verify", "--no-color");
        }
        System.out.println(healthy.out());
        assertThat(healthy.exitCode()).as(healthy.all()).isZero();
        assertThat(clusterLine(healthy)).contains("meta leader ami-redis-").contains("3 of 3 peers current");
        try {
            stopNats("ami-redis-3");
            Cli.Result one = lab.infra("verify", "--no-color");
            System.out.println(one.out());
            assertThat(one.exitCode()).as(one.all()).isEqualTo(1);
            assertThat(clusterLine(one)).contains("ami-redis-3 does not answer (1 of 3 down; the cluster keeps quorum)");

            stopNats("ami-redis-2");
            Cli.Result two = lab.infra("verify", "--no-color");
            System.out.println(two.out());
            assertThat(two.exitCode()).as(two.all()).isEqualTo(2);
            assertThat(clusterLine(two)).contains("no quorum: 2 of 3 servers down");
        } finally {
            lab.sh("ami-redis-2", "docker start $(docker ps -aq --filter label=com.docker.compose.service=nats)");
            lab.sh("ami-redis-3", "docker start $(docker ps -aq --filter label=com.docker.compose.service=nats)");
        }
    }

    @Test
    void aRollingChangeWaitsForAWholeClusterAndGoesServerByServer() throws Exception {
        lab.converge();
        Path changed = lab.inventoryVariant("lab-cluster-limits.yml", yaml -> yaml.replace("  healthcheck:",
                "  limits:\n    max_connections: 2048\n  healthcheck:"));
        String confBefore = lab.sh("ami-redis-1", "cat ~/nats/config/nats.conf");
        try {
            stopNats("ami-redis-3");
            Cli.Result refused = lab.infraOn(changed, "apply", "--yes", "--no-color");
            assertThat(refused.exitCode()).as(refused.all()).isEqualTo(1);
            assertThat(refused.out()).contains("Not starting: the NATS cluster is not healthy (ami-redis-3 does not answer");
            assertThat(lab.sh("ami-redis-1", "cat ~/nats/config/nats.conf")).as("no server was touched").isEqualTo(confBefore);
        } finally {
            lab.sh("ami-redis-3", "docker start $(docker ps -aq --filter label=com.docker.compose.service=nats)");
        }
        Cli.Result whole = lab.infra("verify", "--no-color");
        for (int i = 0; i < 30 && !clusterLine(whole).contains("3 of 3 peers current"); i++) {
            Thread.sleep(1000);
            whole = lab.infra("verify", "--no-color");
        }
        Cli.Result rolled = lab.infraOn(changed, "apply", "--yes", "--no-color");
        System.out.println(rolled.out());
        assertThat(rolled.exitCode()).as(rolled.all()).isZero();
        assertThat(rolled.out().lines().filter(l -> l.contains("cluster whole: meta leader")).count()).as("checked after each server").isEqualTo(3);
        assertThat(lab.sh("ami-redis-3", "cat ~/nats/config/nats.conf")).contains("max_connections: 2048");
        Cli.Result after = lab.infraOn(changed, "verify", "--no-color");
        assertThat(clusterLine(after)).contains("3 of 3 peers current");
    }

    static void startNats(String host) {
        lab.sh(host, "docker start $(docker ps -aq --filter label=com.docker.compose.service=nats)");
    }

    static Cli.Result awaitWhole() throws InterruptedException {
        Cli.Result whole = lab.infra("verify", "--no-color");
        for (int i = 0; i < 40 && !clusterLine(whole).contains("3 of 3 peers current"); i++) {
            Thread.sleep(1000);
            whole = lab.infra("verify", "--no-color");
        }
        assertThat(clusterLine(whole)).contains("3 of 3 peers current");
        return whole;
    }

    @Test
    void aJobTheAppCreatesOnR3SurvivesItsLeaderStoppingAndTheWorkersFinishIt() throws Exception {
        lab.converge();
        lab.workers("stop");
        String client = lab.installAppClient("ami-live");
        assertThat(lab.sh("ami-live", client + " job 42 60 3")).contains("created job_42 with 60 tasks on 3 replicas");
        AtomicReference<String> leader = new AtomicReference<>();
        lab.jetStream(jsm -> leader.set(jsm.getStreamInfo("job_42").getClusterInfo().getLeader()));
        try {
            stopNats(leader.get());
            Cli.Result one = lab.infra("verify", "--no-color");
            assertThat(clusterLine(one)).contains(leader.get() + " does not answer");
            lab.workers("start");
            for (int i = 0; i < 60 && lab.stream("job_42").consumers().get(0).ackFloorStreamSeq() < 60; i++) {
                Thread.sleep(1000);
            }
            JobStream job = lab.stream("job_42");
            assertThat(job.messages()).isEqualTo(60);
            assertThat(job.consumers().get(0).ackFloorStreamSeq()).as("every task done with its leader away").isEqualTo(60);
        } finally {
            startNats(leader.get());
        }
        awaitWhole();
    }

    @Test
    void aChangeThatRestartsEveryServerRollsOneAtATimeWhileAClientPublishesAndConsumesWithoutLoss() throws Exception {
        lab.converge();
        awaitWhole();
        String client = lab.installAppClient("ami-live");
        lab.sh("ami-live", "rm -rf /tmp/roll && mkdir -p /tmp/roll && (nohup sh -c '" + client + " roll /tmp/roll' > /tmp/roll/out.log 2>&1 &)");
        lab.awaitOutput("ami-live", "cat /tmp/roll/membership.log 2>/dev/null | wc -l", out -> Integer.parseInt(out.strip()) >= 10);
        Path bigger = lab.inventoryVariant("lab-cluster.yml", yaml -> yaml.replace("max_file_store: 1GiB", "max_file_store: 2GiB"));
        Cli.Result plan = lab.infraOn(bigger, "plan", "--no-color");
        assertThat(plan.out()).contains("nats.conf changes jetstream.max_file_store, which nats-server cannot reload: restart");
        Cli.Result rolled = lab.infraOn(bigger, "apply", "--yes", "--no-color");
        System.out.println(rolled.out());
        lab.sh("ami-live", "touch /tmp/roll/stop");
        String summary = lab.awaitOutput("ami-live", "cat /tmp/roll/summary.json 2>/dev/null || true", out -> out.contains("published"));
        String log = lab.sh("ami-live", "cat /tmp/roll/membership.log");
        System.out.println(summary);
        assertThat(rolled.exitCode()).as(rolled.all()).isZero();
        assertThat(rolled.out().lines().filter(l -> l.contains("cluster whole: meta leader")).count()).as("checked after each server").isEqualTo(3);
        JsonNode s = new ObjectMapper().readTree(summary);
        assertThat(s.path("missing_count").asInt()).as("no message lost: " + summary).isZero();
        assertThat(s.path("published").asInt()).isPositive();
        assertThat(s.path("max_away").asInt()).as("never more than one server away (membership every 100 ms)").isEqualTo(1);
        assertThat(log.lines().filter(l -> l.contains("up=2")).count()).as("each server was away for a while").isPositive();
        for (String host : List.of("ami-redis-1", "ami-redis-2", "ami-redis-3")) {
            assertThat(lab.sh(host, "curl -s http://127.0.0.1:8222/varz")).as(host + " runs the new limit").contains("\"max_storage\": 2147483648");
        }
    }

    @Test
    void natsCommandsAndTheTunnelUseAnyServerThatAnswers() throws Exception {
        lab.converge();
        awaitWhole();
        try {
            stopNats("ami-redis-1");
            Cli.Result streams = lab.infra("nats", "streams", "--no-color");
            assertThat(streams.exitCode()).as(streams.all()).isZero();
            Cli.Result tunnel = lab.infra("tunnel", "monitor", "--port", "0", "--for", "1s");
            assertThat(tunnel.exitCode()).as(tunnel.all()).isZero();
            assertThat(tunnel.out()).contains("ami-redis-1 does not answer; using ami-redis-2.").contains("→ ami-redis-2:127.0.0.1:8222");
            Cli.Result chosen = lab.infra("tunnel", "client", "--server", "ami-redis-3", "--port", "0", "--for", "1s");
            assertThat(chosen.out()).contains("→ ami-redis-3:127.0.0.1:4222");
        } finally {
            startNats("ami-redis-1");
        }
        awaitWhole();
    }
}
