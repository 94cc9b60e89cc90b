package dev.infra.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infra.fleet.Fleet;
import dev.infra.nats.JobStream;
import dev.infra.nats.NatsAdmin;
import dev.infra.testing.Cli;
import dev.infra.testing.LabExtension;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PullSubscribeOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Taking over a NATS infra did not start. The seed's fix done safely: a hand-managed NATS keeps
 * JetStream in the container's /tmp while a job is in flight; infra's plan names what is at stake,
 * apply moves the store onto the named volume and the job's stream and consumer come through exactly
 * as they were — and survive a recreate after. And a NATS started by hand in another directory is
 * named, never doubled.
 */
class NatsAdoptionLabTest {
    @RegisterExtension
    static LabExtension lab = new LabExtension();

    static final String NATS = "ami-redis-1";

    /** No hand-started NATS left by another test (a compose project converge keeps); then the lab's baseline. */
    static void converge() {
        lab.sh(NATS, "ids=$(docker ps -aq --filter label=com.docker.compose.project=nats-hand); [ -z \"$ids\" ] || docker rm -f $ids");
        lab.converge();
    }

    @Test
    void aNatsStartedByHandInAnotherDirectoryIsNamedAndNeverDoubled() {
        converge();
        lab.sh(NATS, "cd ~/nats && docker-compose -p nats -f docker-compose.yml down && rm docker-compose.yml");
        lab.natsByHand("~/nats-hand", "nats-hand");
        try {
            Cli.Result plan = lab.infra("plan", "--limit", NATS);
            assertThat(plan.exitCode()).as(plan.all()).isEqualTo(1);
            assertThat(plan.all()).contains("container nats-hand_nats_1 (compose project 'nats-hand' in /root/nats-hand) holds port 4222")
                    .contains("adopt it").contains("docker stop nats-hand_nats_1");
            Cli.Result apply = lab.infra("apply", "--yes", "--limit", NATS);
            assertThat(apply.exitCode()).as(apply.all()).isEqualTo(1);
            assertThat(lab.sh(NATS, "docker ps --format '{{.Names}}'").strip()).isEqualTo("nats-hand_nats_1");
            assertThat(lab.sh(NATS, "test -e ~/nats/docker-compose.yml && echo written || echo absent").strip()).isEqualTo("absent");
        } finally {
            lab.sh(NATS, "cd ~/nats-hand && docker-compose -p nats-hand -f docker-compose.yml down");
        }
        Cli.Result apply = lab.infra("apply", "--yes", "--limit", NATS);
        assertThat(apply.exitCode()).as(apply.all()).isZero();
    }

    /** Production's state: a hand-managed compose file, JetStream in the container's /tmp; nothing consumes jobs. */
    static void seedNats() {
        converge();
        lab.workers("stop");
        lab.natsByHand("~/nats", "nats");
    }

    @Test
    void anInFlightJobSurvivesMovingJetStreamOffTmp() throws Exception {
        seedNats();

        // A job in flight, created as the app creates it: 5 tasks, 3 handed out, 2 of them acknowledged.
        lab.standin("ami-worker-2", "enqueue --job 9100 --tasks 5");
        try (Fleet f = lab.fleet(); NatsAdmin admin = f.jetStream(Duration.ofSeconds(10))) {
            JetStreamSubscription sub = admin.connection().jetStream()
                    .subscribe("job.9100.tasks", PullSubscribeOptions.bind("job_9100", "job-9100-consumer"));
            List<Message> tasks = sub.fetch(3, Duration.ofSeconds(5));
            assertThat(tasks).hasSize(3);
            tasks.get(0).ackSync(Duration.ofSeconds(5));
            tasks.get(1).ackSync(Duration.ofSeconds(5));
        }
        JobStream before = lab.stream("job_9100");
        JobStream.Consumer c = before.consumer("job-9100-consumer").orElseThrow();
        assertThat(List.of(before.messages(), c.ackFloorStreamSeq(), c.numPending(), c.numAckPending())).containsExactly(5L, 2L, 2L, 1L);

        Cli.Result plan = lab.infra("plan", "--limit", NATS, "--no-color");
        System.out.println(plan.out());
        assertThat(plan.out()).contains("-/+ service nats/nats (compose file changed)")
                .contains("JetStream's store moves: /tmp/nats/jetstream in nats_nats_1")
                .contains("-> /data/jetstream/jetstream on volume nats_nats-data")
                .contains("job_9100/job-9100-consumer (2 pending, 1 unacknowledged, ack floor 2)");
        assertThat(lab.infra("plan", "--json", "--limit", NATS).out()).contains("\"store_move\" : {").contains("\"from\" : \"/tmp/nats/jetstream\"");

        long start = System.nanoTime();
        Cli.Result apply = lab.infra("apply", "--yes", "--limit", NATS, "--no-color");
        System.out.println(apply.out() + "\napply with the store move took " + (System.nanoTime() - start) / 1_000_000 + " ms");
        assertThat(apply.exitCode()).as(apply.all()).isZero();
        assertThat(apply.out()).contains("copied its JetStream store").contains("JetStream kept every stream and consumer");
        assertThat(lab.sh(NATS, "curl -s http://127.0.0.1:8222/jsz")).contains("/data/jetstream/jetstream");
        assertSameJob(before);

        // Not just the move: a brand-new container later still has the job (it is on the volume now).
        lab.sh(NATS, "cd ~/nats && docker-compose -p nats -f docker-compose.yml up -d --force-recreate && sleep 2");
        assertSameJob(before);
        assertThat(lab.infra("plan", "--detailed-exitcode", "--limit", NATS).exitCode()).isZero();
        lab.workers("start");
    }

    @Test
    void aMoveWhoseNewServerFailsPutsTheOldOneBackWithItsData() throws Exception {
        seedNats();
        lab.standin("ami-worker-2", "enqueue --job 9200 --tasks 3");
        JobStream before = lab.stream("job_9200");

        // The new server cannot start (its image is not there): apply must fail and put back the old one, data and all.
        Path broken = lab.inventoryVariant("lab-nats-missing-image.yml", yaml -> yaml.replace("image: infra-lab/nats:2.9",
                "image: infra-lab/nats:missing"));
        Cli.Result apply = lab.infraOn(broken, "apply", "--yes", "--limit", NATS, "--no-color");
        assertThat(apply.exitCode()).as(apply.all()).isEqualTo(1);
        assertThat(apply.out()).contains("copied its JetStream store").contains("FAILED").contains("put the old NATS container back");
        assertThat(lab.sh(NATS, "sleep 2; curl -s http://127.0.0.1:8222/jsz")).contains("/tmp/nats/jetstream");
        JobStream after = lab.stream("job_9200");
        assertThat(after.messages()).isEqualTo(before.messages());
        assertThat(after.lastSeq()).isEqualTo(before.lastSeq());
        lab.workers("start");
    }

    static void assertSameJob(JobStream before) throws Exception {
        JobStream after = lab.stream("job_9100");
        JobStream.Consumer was = before.consumer("job-9100-consumer").orElseThrow();
        JobStream.Consumer now = after.consumer("job-9100-consumer").orElseThrow();
        assertThat(after.messages()).isEqualTo(before.messages());
        assertThat(after.lastSeq()).isEqualTo(before.lastSeq());
        assertThat(now.ackFloorStreamSeq()).isEqualTo(was.ackFloorStreamSeq());
        assertThat(now.deliveredStreamSeq()).isEqualTo(was.deliveredStreamSeq());
        assertThat(now.numPending()).isEqualTo(was.numPending());
        assertThat(now.numAckPending()).isEqualTo(was.numAckPending());
    }
}
