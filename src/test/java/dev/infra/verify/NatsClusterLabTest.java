package dev.infra.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infra.testing.Cli;
import dev.infra.testing.LabExtension;
import java.nio.file.Path;
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
    void verifyNamesTheLeaderWarnsOnOneServerDownAndIsCriticalWithoutQuorum() throws Exception {
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
}
