package dev.infra.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infra.nats.JobStream;
import dev.infra.testing.Cli;
import dev.infra.testing.JobFixtures;
import dev.infra.testing.LabExtension;
import io.nats.client.JetStream;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.StreamInfo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One NATS server holding a live job grows into the three-server cluster of lab-cluster.yml: the
 * plan says what is at stake and how it is kept; apply forms the cluster and the job's stream comes
 * back as R3 with its messages, its consumer's ack floor and the tasks in a worker's hands.
 */
class NatsClusterGrowLabTest {
    @RegisterExtension
    static LabExtension lab = new LabExtension("lab-cluster.yml");

    /** lab-cluster.yml with ami-redis-1 as the only NATS server (R1, one NATS_URL), as the fleet was before. */
    static String singleServer(String yaml) {
        return yaml.replaceAll("(?m)^  ami-redis-[23]:\\n(    .*\\n)+", "")
                .replace("replicas: 3", "replicas: 1")
                .replaceAll("(?m)^  nats_url: .*$", "  nats_url: nats://nats:4222");
    }

    @Test
    void oneServerWithALiveJobGrowsIntoThreeAndTheJobIsR3WithItsMessagesAndAckFloor() throws Exception {
        lab.wipe();
        Path single = lab.inventoryVariant("lab-single-nats.yml", NatsClusterGrowLabTest::singleServer);
        Cli.Result first = lab.infraOn(single, "apply", "--yes", "--no-color");
        assertThat(first.exitCode()).as(first.all()).isZero();
        // Workers away, so the job stays as it is: 30 tasks, 12 done, 3 in a worker's hands.
        lab.workers("stop");
        lab.nats(nc -> {
            JobFixtures.createJob(nc.jetStreamManagement(), "7", 2, Duration.ofSeconds(20));
            JetStream js = nc.jetStream();
            for (int i = 1; i <= 30; i++) {
                js.publish("job.7.tasks", ("{\"id\": " + i + "}").getBytes());
            }
            JetStreamSubscription sub = js.subscribe(null, PullSubscribeOptions.bind("job_7", "job-7-consumer"));
            for (Message m : sub.fetch(12, Duration.ofSeconds(5))) {
                m.ackSync(Duration.ofSeconds(5));
            }
            assertThat(sub.fetch(3, Duration.ofSeconds(5))).hasSize(3);
        });
        JobStream before = lab.stream("job_7");

        Cli.Result plan = lab.infra("plan", "--no-color");
        System.out.println(plan.out());
        assertThat(plan.out()).contains("this standalone server joins the NATS cluster")
                .contains("at stake: 1 stream(s), 30 message(s) (job_7: 30)").contains("restores each stream as R3");

        Cli.Result grow = lab.infra("apply", "--yes", "--no-color", "--limit", "ami-redis-1,ami-redis-2,ami-redis-3");
        System.out.println(grow.out());
        assertThat(grow.exitCode()).as(grow.all()).isZero();
        assertThat(grow.out()).contains("restored into the cluster as R3; JetStream kept every stream and consumer");
        assertThat(grow.out().indexOf("ami-redis-1: stopped")).as("the new servers start first")
                .isGreaterThan(grow.out().indexOf("ami-redis-3: healthy")).isGreaterThan(grow.out().indexOf("ami-redis-2: healthy"));

        JobStream after = lab.stream("job_7");
        assertThat(after.messages()).isEqualTo(30).isEqualTo(before.messages());
        assertThat(after.consumers()).singleElement().satisfies(c -> {
            assertThat(c.ackFloorStreamSeq()).isEqualTo(12).isEqualTo(before.consumers().get(0).ackFloorStreamSeq());
            assertThat(c.numAckPending()).isEqualTo(3);
            assertThat(c.numPending()).isEqualTo(15);
        });
        AtomicReference<StreamInfo> info = new AtomicReference<>();
        lab.jetStream(jsm -> info.set(jsm.getStreamInfo("job_7")));
        assertThat(info.get().getConfiguration().getReplicas()).isEqualTo(3);
        assertThat(info.get().getClusterInfo().getReplicas()).as("copies on the two other servers").hasSize(2);

        // The rest of the fleet follows (NATS_URL now lists every server) and the workers finish the job.
        Cli.Result rest = lab.infra("apply", "--yes", "--no-color");
        assertThat(rest.exitCode()).as(rest.all()).isZero();
        for (int i = 0; i < 60 && lab.stream("job_7").consumers().get(0).ackFloorStreamSeq() < 30; i++) {
            Thread.sleep(1000);
        }
        assertThat(lab.stream("job_7").consumers().get(0).ackFloorStreamSeq()).as("every task done").isEqualTo(30);
        Cli.Result verify = lab.infra("verify", "--no-color");
        assertThat(NatsClusterLabTest.clusterLine(verify)).contains("3 of 3 peers current");
        assertThat(lab.infra("plan", "--no-color").out()).contains("No changes");
    }
}
