package dev.infra.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infra.inventory.JetStreamPolicy;
import dev.infra.nats.ClusterReport;
import dev.infra.testing.Cli;
import dev.infra.verify.CheckResult.Outcome;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The cluster judgement on what a real three-node nats-server 2.9 cluster (n1, n2, n3; n3 the meta
 * leader; job_77 an R3 stream, job_78 an R1 stream on n1) answered on /jsz: healthy, with n1
 * stopped, and with n1 and n2 stopped.
 */
class ClusterJudgeTest {
    static final List<String> SERVERS = List.of("n1", "n2", "n3");
    /** The app's naming, job streams on three replicas. */
    static final JetStreamPolicy R3 = new JetStreamPolicy(2, Duration.ofMinutes(5), Duration.ofHours(24), 1000,
            new JetStreamPolicy.Naming("job_{id}", "job.{id}.tasks", "job-{id}-consumer", "job-{id}-dlq", "advisories"), 3);

    static ClusterReport report(String server, String file) throws Exception {
        return ClusterReport.parse(server, Files.readString(Cli.repo().resolve("src/test/resources/nats-cluster/" + file)));
    }

    /** The same report without its R1 stream: a cluster whose job streams all follow the policy. */
    static ClusterReport withoutR1(ClusterReport r) {
        return new ClusterReport(r.server(), r.cluster(), r.leader(), r.clusterSize(), r.peers(),
                r.streams().stream().filter(s -> s.replicaCount() == 3).toList());
    }

    @Test
    void aHealthyClusterNamesItsLeaderAndItsCurrentPeers() throws Exception {
        ClusterReport leader = report("n3", "healthy-leader.json");
        assertThat(leader.isLeader()).isTrue();
        assertThat(leader.peers()).extracting(ClusterReport.Peer::name).containsExactly("n1", "n2");
        Outcome ok = ClusterJudge.judge(List.of(withoutR1(report("n1", "healthy-follower.json")), report("n2", "healthy-follower-2.json"),
                leader), SERVERS, R3);
        assertThat(ok.status()).isEqualTo(Status.OK);
        assertThat(ok.message()).isEqualTo("meta leader n3, 3 of 3 peers current");
    }

    @Test
    void aJobStreamWithFewerReplicasThanThePolicyIsAWarning() throws Exception {
        Outcome w = ClusterJudge.judge(List.of(report("n1", "healthy-follower.json"), report("n2", "healthy-follower-2.json"),
                report("n3", "healthy-leader.json")), SERVERS, R3);
        assertThat(w.status()).isEqualTo(Status.WARN);
        assertThat(w.message()).isEqualTo("job_78 has 1 replica(s), the policy says 3");
        assertThat(ClusterJudge.readyToRoll(List.of(report("n1", "healthy-follower.json"), report("n2", "healthy-follower-2.json"),
                report("n3", "healthy-leader.json")), SERVERS, R3).status()).as("no reason to refuse a rolling change").isEqualTo(Status.OK);
    }

    @Test
    void oneServerDownIsAWarningNamingIt() throws Exception {
        Outcome w = ClusterJudge.judge(List.of(report("n2", "one-down-follower.json"), report("n3", "one-down-leader.json")), SERVERS, R3);
        assertThat(w.status()).isEqualTo(Status.WARN);
        assertThat(w.message()).startsWith("n1 does not answer (1 of 3 down; the cluster keeps quorum)");
    }

    @Test
    void twoServersDownIsCriticalNoQuorumEvenWhileTheLastOneStillCallsItselfLeader() throws Exception {
        ClusterReport last = report("n3", "two-down-last.json");
        assertThat(last.isLeader()).as("n3 still says it leads").isTrue();
        Outcome c = ClusterJudge.judge(List.of(last), SERVERS, R3);
        assertThat(c.status()).isEqualTo(Status.CRIT);
        assertThat(c.message()).startsWith("no quorum: 2 of 3 servers down (n1 does not answer, n2 does not answer)");
    }

    @Test
    void noMetaLeaderIsCritical() throws Exception {
        ClusterReport n1 = report("n1", "healthy-follower.json");
        ClusterReport leaderless = new ClusterReport("n1", n1.cluster(), Optional.empty(), 3, List.of(), n1.streams());
        ClusterReport n2 = report("n2", "healthy-follower-2.json");
        Outcome c = ClusterJudge.judge(List.of(leaderless, new ClusterReport("n2", n2.cluster(), Optional.empty(), 3, List.of(), n2.streams())),
                SERVERS, R3);
        assertThat(c.status()).isEqualTo(Status.CRIT);
        assertThat(c.message()).startsWith("no meta leader among 2 answering server(s)");
    }

    @Test
    void aPeerTheLeaderHasNotHeardFromIsDownEvenIfItsProcessAnswers() throws Exception {
        // The leader's view after n1 stopped: n1 offline. Even had n1's monitoring port answered, it is out of the cluster.
        Outcome w = ClusterJudge.judge(List.of(withoutR1(report("n1", "healthy-follower.json")), report("n2", "one-down-follower.json"),
                report("n3", "one-down-leader.json")), SERVERS, R3);
        assertThat(w.status()).isEqualTo(Status.WARN);
        assertThat(w.message()).startsWith("n1 last seen 6 s ago by the leader (1 of 3 down; the cluster keeps quorum)");
    }
}
