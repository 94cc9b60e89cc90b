package dev.infra.nats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infra.testing.Cli;
import dev.infra.testing.JobFixtures;
import dev.infra.testing.LabExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** infra nats … and infra triage on the lab, with jobs created the way the app creates them. */
class NatsOpsLabTest {
    @RegisterExtension
    static LabExtension lab = new LabExtension();

    /** This test's inventory: lab.yml with ack_wait 2s, so empty job streams become orphans within the test (5m in lab.yml). */
    Path inventory;

    /**
     * Each test starts from that inventory applied, no streams, and the app's workers stopped: what
     * is queued stays queued unless the test starts a worker.
     */
    @BeforeEach
    void convergeWithWorkersStopped() {
        inventory = lab.inventoryVariant("lab-2s.yml", yml -> yml.replace("ack_wait: 5m", "ack_wait: 2s"));
        lab.converge(inventory);
        lab.workers("stop");
    }

    Cli.Result infra(String... args) {
        return lab.infraOn(inventory, args);
    }

    @Test
    void job2226TriageNamesTheMissingNatsUrlOnThatWorker() {
        lab.standin("ami-worker-2", "enqueue --job 2226 --tasks 4");
        lab.recreateWithoutNatsUrl("ami-worker-2", "");
        Cli.Result triage = infra("triage", "2226", "--stall", "1s");
        assertThat(triage.exitCode()).as(triage.all()).isEqualTo(2);
        assertThat(triage.out()).contains("stream job_2226: 4 message(s)")
                .contains("Connect call failed ('127.0.0.1', 4222)")
                .contains("CAUSE: NATS_URL on ami-worker-2").contains("runs without NATS_URL")
                .contains("FIX:   infra apply --limit ami-worker-2");
        assertThat(infra("apply", "--yes").exitCode()).isZero();
    }

    @Test
    void aPermanentlyFailingTaskUnderMaxDeliver2IsADeadLetterFromStateAndFromAdvisories() throws Exception {
        lab.standin("ami-worker-2", "enqueue --job 2400 --tasks 3 --max-deliver 2");
        lab.failingWorker("ami-worker-2", "failing", "2");
        try {
            Cli.Result dead = null;
            for (int i = 0; i < 30; i++) {
                dead = infra("nats", "dead-letters", "--job", "2400");
                if (dead.out().contains("advisory") && dead.out().contains("consumer state")) {
                    break;
                }
                Thread.sleep(1000);
            }
            assertThat(dead.exitCode()).as(dead.all()).isEqualTo(2);
            List<String> rows = dead.out().lines().filter(l -> l.startsWith("2400 ")).toList();
            assertThat(rows).hasSize(2);
            assertThat(rows).allSatisfy(r -> assertThat(r.split("\\s+")).startsWith("2400", "job_2400", "job-2400-consumer", "2", "2"));
            assertThat(rows).anySatisfy(r -> assertThat(r).contains("advisory"))
                    .anySatisfy(r -> assertThat(r).contains("consumer state: ack floor 1, last seq 3"));
            Cli.Result triage = infra("triage", "2400");
            assertThat(triage.out()).contains("CAUSE: 1 message(s) exhausted max_deliver 2 (stream seq 2 after 2 deliveries)");
        } finally {
            lab.sh("ami-worker-2", "docker rm -f failing");
        }
    }

    @Test
    void aStalledJobIsReportedWithinOnePollingIntervalAfterItsThreshold() {
        lab.standin("ami-worker-2", "enqueue --job 2500 --tasks 2");
        Instant queued = Instant.now();
        Cli.Result watch = infra("nats", "watch", "--stall", "4s", "--interval", "2s", "--for", "10s");
        assertThat(watch.exitCode()).as(watch.out()).isEqualTo(2);
        String firstStall = watch.out().lines().filter(l -> l.contains("job 2500: STALLED")).findFirst().orElseThrow();
        assertThat(firstStall).contains("no task picked up in").contains("never delivered");
        List<String> lines = watch.out().lines().toList();
        Instant reportedAt = Instant.parse(lines.get(lines.indexOf(firstStall) - 1).split(" ")[0]);
        assertThat(Duration.between(queued, reportedAt)).as("within one interval after the 4 s threshold")
                .isLessThanOrEqualTo(Duration.ofSeconds(4 + 2 + 2));
    }

    @Test
    void pruneRemovesExactlyTheNinetyFiveStaleStreamsAndItsDryRunListedExactlyThem() throws Exception {
        // A job with work done (2500, its tasks kept by the stream) and one queued (2600) stay; 95 orphans of failed jobs go.
        lab.standin("ami-worker-2", "enqueue --job 2500 --tasks 2");
        leftBehind(3000, 95);
        lab.standin("ami-worker-2", "enqueue --job 2600 --tasks 2");
        Cli.Result dry = infra("nats", "prune", "--empty");
        assertThat(dry.out()).contains("Would delete 95 job stream(s)").contains("Dry run: nothing was deleted");
        List<String> listed = dry.out().lines().filter(l -> l.startsWith("  - ")).map(l -> l.substring(4, l.indexOf(':'))).sorted().toList();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 95; i++) {
            expected.add("job_" + (3000 + i));
        }
        assertThat(listed).containsExactlyElementsOf(expected.stream().sorted().toList());

        Cli.Result prune = infra("nats", "prune", "--empty", "--yes");
        assertThat(prune.exitCode()).as(prune.all()).isZero();
        assertThat(prune.out()).contains("Deleted 95 job stream(s).");
        Cli.Result streams = infra("nats", "streams");
        assertThat(streams.out()).contains("job_2600").contains("job_2500").doesNotContain("job_3000").contains("0 stale");
    }

    /** {@code count} jobs from {@code first} whose workers took every task and went away: streams left behind, empty and idle. */
    static void leftBehind(int first, int count) throws InterruptedException {
        lab.jetStream(jsm -> {
            for (int i = 0; i < count; i++) {
                JobFixtures.createJob(jsm, String.valueOf(first + i), 2, Duration.ofMinutes(5));
            }
        });
        lab.workers("start");
        Thread.sleep(3000);
        lab.workers("stop");
    }

    @Test
    void pruneFromASavedListDeletesOnlyWhatWasShown() throws Exception {
        // What the cleanup playbook does: a dry run keeps its list, the operator confirms, exactly that list goes.
        lab.deleteStreams();
        leftBehind(4000, 5);
        Path list = lab.dir().resolve("prune.json");
        Cli.Result dry = infra("nats", "prune", "--save", list.toString());
        assertThat(dry.out()).contains("Would delete 5 job stream(s)");
        // Between the look and the confirmation, three more jobs fail and leave their streams behind.
        leftBehind(4100, 3);
        Cli.Result prune = infra("nats", "prune", "--from", list.toString(), "--yes");
        assertThat(prune.exitCode()).as(prune.all()).isZero();
        assertThat(prune.out()).contains("Deleted 5 job stream(s).")
                .contains("3 more stream(s) are stale now; they were not in the list shown, so they stay");
        assertThat(infra("nats", "streams").out()).contains("job_4100").contains("job_4102").doesNotContain("job_4000 ");
        Cli.Result bad = infra("nats", "prune", "--from", lab.dir().resolve("nope.json").toString(), "--yes");
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.err()).contains("is not a list saved by `infra nats prune --save`");
    }

    @Test
    void tunnelMonitorServesHealthzOnThePrintedUrl() throws Exception {
        int port = LabExtension.freePort();
        CompletableFuture<Cli.Result> tunnel = CompletableFuture.supplyAsync(
                () -> infra("tunnel", "monitor", "--port", String.valueOf(port), "--for", "20s"));
        String body = LabExtension.awaitHttpOk("http://127.0.0.1:" + port + "/healthz");
        assertThat(body).contains("\"status\":\"ok\"");
        assertThat(tunnel.get().out()).contains("Forwarding http://127.0.0.1:" + port + " → ami-redis-1:127.0.0.1:8222");
    }
}
