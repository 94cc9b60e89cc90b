package dev.infra.nats;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import dev.infra.inventory.JetStreamPolicy;
import dev.infra.lab.LabDocker;
import dev.infra.lab.LabImages;
import dev.infra.testing.Inventories;
import dev.infra.verify.CheckResult.Outcome;
import dev.infra.verify.ClusterJudge;
import dev.infra.verify.Status;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * A JetStream cluster at the NATS level: real nats-server 2.9 containers of the lab's image on a
 * Testcontainers network (no registry, Ryuk off). Verify's cluster judgement on live servers as they go
 * away, and a job's stream carried from a standalone server into the cluster with JetStream's own
 * snapshot and restore, what apply relies on when one server grows into three.
 */
class NatsClusterContainersTest {
    static final DockerImageName IMAGE = DockerImageName.parse(LabImages.NATS);
    static final JetStreamPolicy POLICY = Inventories.shipped("lab-cluster.yml").policy();
    static final JetStreamPolicy.Naming NAMING = POLICY.naming();
    static Network network;
    static GenericContainer<?> single;
    static final List<GenericContainer<?>> cluster = new ArrayList<>();

    @BeforeAll
    static void servers() {
        new LabImages(LabDocker.connect(), new PrintWriter(new StringWriter()), LabImages.defaultCacheDir()).ensure(LabImages.NATS);
        network = Network.newNetwork();
        single = nats().withCommand("-js", "-sd", "/data");
        single.start();
        String routes = "nats-route://n1:6222,nats-route://n2:6222,nats-route://n3:6222";
        for (int i = 1; i <= 3; i++) {
            GenericContainer<?> c = nats().withNetwork(network).withNetworkAliases("n" + i)
                    .withCommand("-js", "-m", "8222", "-sd", "/data", "--server_name", "n" + i, "--cluster_name", "c",
                            "--cluster", "nats://0.0.0.0:6222", "--routes", routes);
            cluster.add(c);
        }
        cluster.parallelStream().forEach(GenericContainer::start);
    }

    static GenericContainer<?> nats() {
        return new GenericContainer<>(IMAGE).withExposedPorts(4222, 8222).waitingFor(Wait.forLogMessage(".*Server is ready.*", 1));
    }

    @AfterAll
    static void stop() {
        cluster.forEach(GenericContainer::stop);
        if (single != null) {
            single.stop();
        }
        if (network != null) {
            network.close();
        }
    }

    static Connection connect(GenericContainer<?> c) throws Exception {
        return Nats.connect("nats://127.0.0.1:" + c.getMappedPort(4222));
    }

    @Test
    void aJobsStreamReachesTheClusterAsR3WithItsMessagesAndItsConsumersAckFloor() throws Exception {
        JetStreamSnapshot before;
        StreamBackup.Backup backup;
        try (Connection nc = connect(single)) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder().name("job_7").subjects("job.7.tasks").build());
            jsm.addOrUpdateConsumer("job_7", ConsumerConfiguration.builder().durable("job-7-consumer").filterSubject("job.7.tasks").ackPolicy(AckPolicy.Explicit)
                    .maxDeliver(2).ackWait(Duration.ofMinutes(5)).build());
            JetStream js = nc.jetStream();
            for (int i = 0; i < 100; i++) {
                js.publish("job.7.tasks", ("task " + i).getBytes());
            }
            JetStreamSubscription sub = js.subscribe("job.7.tasks", PullSubscribeOptions.bind("job_7", "job-7-consumer"));
            List<Message> done = sub.fetch(40, Duration.ofSeconds(5));
            assertThat(done).hasSize(40);
            for (Message m : done) {
                m.ackSync(Duration.ofSeconds(5));
            }
            assertThat(sub.fetch(5, Duration.ofSeconds(5))).as("in a worker's hands, not acked").hasSize(5);
            before = JetStreamSnapshot.of(NatsAdmin.streams(jsm, NAMING));
            backup = StreamBackup.snapshot(nc, "job_7", Duration.ofSeconds(10));
        }
        assertThat(backup.messages()).isEqualTo(100);

        try (Connection nc = connect(cluster.get(0))) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            awaitWholeCluster();
            StreamBackup.restore(nc, backup, 3, Duration.ofSeconds(10));
            StreamInfo info = jsm.getStreamInfo("job_7");
            assertThat(info.getConfiguration().getReplicas()).isEqualTo(3);
            assertThat(info.getClusterInfo().getReplicas()).as("two copies beside the leader").hasSize(2);
            JetStreamSnapshot after = null;
            for (int i = 0; i < 50 && after == null; i++) {
                try {
                    after = JetStreamSnapshot.of(NatsAdmin.streams(jsm, NAMING));
                } catch (IOException e) {
                    Thread.sleep(200);   // the restored consumer is still electing its leader
                }
            }
            assertThat(after).as("same messages at the same sequences, same consumer state").isEqualTo(before);
            assertThat(StoreMove.lost(before, after)).isEmpty();
            assertThat(after.streams().get(0).consumers().get(0))
                    .satisfies(c -> assertThat(c.ackFloorStreamSeq()).isEqualTo(40))
                    .satisfies(c -> assertThat(c.numAckPending()).isEqualTo(5));

            // The work goes on from where it was: the next worker gets task 45, not task 0.
            JetStreamSubscription sub = nc.jetStream().subscribe("job.7.tasks", PullSubscribeOptions.bind("job_7", "job-7-consumer"));
            List<Message> next = sub.fetch(1, Duration.ofSeconds(5));
            assertThat(next).singleElement().satisfies(m -> assertThat(new String(m.getData())).isEqualTo("task 45"));
        }
    }

    /** What verify says of the cluster now: every server's /jsz that answers within a second, judged. */
    static Outcome judgeNow() throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        List<ClusterReport> reports = new ArrayList<>();
        for (int n = 0; n < 3; n++) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + cluster.get(n).getMappedPort(8222) + "/jsz?streams=true")).timeout(Duration.ofSeconds(1)).build(),
                        HttpResponse.BodyHandlers.ofString());
                reports.add(ClusterReport.parse("n" + (n + 1), r.body()));
            } catch (IOException e) {
                // not answering
            }
        }
        return ClusterJudge.judge(reports, List.of("n1", "n2", "n3"), POLICY);
    }

    /** Until the rule apply waits on holds: a meta leader and every peer current. */
    static void awaitWholeCluster() throws Exception {
        Outcome o = judgeNow();
        for (int i = 0; i < 150 && o.status() != Status.OK; i++) {
            Thread.sleep(200);
            o = judgeNow();
        }
        assertThat(o.status()).as(o.message()).isEqualTo(Status.OK);
    }

    @Test
    void theClusterJudgementOnLiveServersOneAwayIsAWarningNamingItTwoAreNoQuorum() throws Exception {
        awaitWholeCluster();
        DockerClient docker = cluster.get(0).getDockerClient();
        // Followers go away (a leader that goes leaves the others electing for a few seconds: CRIT "no meta leader", rightly).
        String leader = judgeNow().message().replaceFirst("^meta leader (n\\d),.*$", "$1");
        List<Integer> followers = new ArrayList<>();
        for (int n = 0; n < 3; n++) {
            if (!("n" + (n + 1)).equals(leader)) {
                followers.add(n);
            }
        }
        try {
            docker.pauseContainerCmd(cluster.get(followers.get(0)).getContainerId()).exec();
            Outcome one = judgeNow();
            assertThat(one.status()).as(one.message()).isEqualTo(Status.WARN);
            assertThat(one.message()).startsWith("n" + (followers.get(0) + 1) + " does not answer (1 of 3 down; the cluster keeps quorum)");
            docker.pauseContainerCmd(cluster.get(followers.get(1)).getContainerId()).exec();
            Outcome two = judgeNow();
            assertThat(two.status()).as(two.message()).isEqualTo(Status.CRIT);
            assertThat(two.message()).startsWith("no quorum: 2 of 3 servers down (n" + (followers.get(0) + 1) + " does not answer, n"
                    + (followers.get(1) + 1) + " does not answer)");
        } finally {
            for (int n = 0; n < 3; n++) {
                try {
                    docker.unpauseContainerCmd(cluster.get(n).getContainerId()).exec();
                } catch (RuntimeException e) {
                    // was not paused
                }
            }
        }
        awaitWholeCluster();
    }
}
