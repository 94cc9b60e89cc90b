package dev.infra.nats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infra.inventory.JetStreamPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The pure JetStream reasoning: dead letters, policy, progress and the triage verdict. */
class JetStreamAnalysisTest {
    static final JetStreamPolicy.Naming NAMING = new JetStreamPolicy.Naming("job_{id}", "job.{id}.tasks", "job-{id}-consumer",
            "job-{id}-dlq", "advisories");
    static final JetStreamPolicy POLICY = new JetStreamPolicy(2, Duration.ofMinutes(5), Duration.ofHours(24), 1000, NAMING);
    static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");

    static JobStream.Consumer consumer(String job, long pending, long ackPending, long delivered, long ackFloor,
                                       Optional<Instant> lastDelivered, long maxDeliver) {
        return new JobStream.Consumer("job-" + job + "-consumer", pending, ackPending, 0, 0, delivered, ackFloor,
                lastDelivered, lastDelivered, maxDeliver, Duration.ofMinutes(5));
    }

    static JobStream stream(String job, Instant created, long messages, long lastSeq, Optional<Instant> lastMessage,
                            JobStream.Consumer... consumers) {
        return new JobStream("job_" + job, Optional.of(job), created, messages, messages * 100, messages == 0 ? 0 : 1, lastSeq,
                lastMessage, List.of(consumers));
    }

    @Test
    void jobIdsFollowTheAppsNaming() {
        assertThat(JetStreamAnalysis.jobId("job_2226", NAMING)).contains("2226");
        assertThat(JetStreamAnalysis.jobId("advisories", NAMING)).isEmpty();
        assertThat(JetStreamAnalysis.jobId("job-2226", NAMING)).isEmpty();
    }

    @Test
    void deadLettersComeFromAdvisoriesExactlyOrFromConsumerState() {
        JobStream dead = stream("5", NOW.minusSeconds(60), 3, 3, Optional.of(NOW.minusSeconds(60)),
                consumer("5", 0, 0, 3, 1, Optional.of(NOW.minusSeconds(10)), 2));
        JobStream inFlight = stream("6", NOW.minusSeconds(60), 3, 3, Optional.of(NOW.minusSeconds(60)),
                consumer("6", 0, 1, 3, 1, Optional.of(NOW.minusSeconds(10)), 2));
        JobStream done = stream("7", NOW.minusSeconds(60), 3, 3, Optional.of(NOW.minusSeconds(60)),
                consumer("7", 0, 0, 3, 3, Optional.of(NOW.minusSeconds(10)), 2));
        var fromState = JetStreamAnalysis.deadLetters(List.of(dead, inFlight, done), NAMING, Map.of());
        assertThat(fromState).singleElement().satisfies(d -> {
            assertThat(d.stream().name()).isEqualTo("job_5");
            assertThat(d.sequences()).containsExactly(2L, 3L);
        });
        var fromAdvisories = JetStreamAnalysis.deadLetters(List.of(dead), NAMING, Map.of("job_5.job-5-consumer", List.of(2L)));
        assertThat(fromAdvisories).singleElement().satisfies(d -> {
            assertThat(d.count()).isEqualTo(1);
            assertThat(d.sequences()).containsExactly(2L);
            assertThat(d.source()).contains("advisories");
        });
    }

    @Test
    void consumersThatDifferFromThePolicyAreNamed() {
        JobStream s = stream("8", NOW, 1, 1, Optional.empty(), consumer("8", 1, 0, 0, 0, Optional.empty(), 5));
        assertThat(JetStreamAnalysis.policyMismatches(List.of(s), POLICY)).singleElement()
                .satisfies(m -> assertThat(m.what()).isEqualTo("max_deliver 5 (policy 2)"));
        JobStream.Consumer slow = new JobStream.Consumer("job-8-consumer", 0, 0, 0, 0, 0, 0, Optional.empty(), Optional.empty(), 2,
                Duration.ofSeconds(30));
        assertThat(JetStreamAnalysis.policyMismatch(slow, POLICY)).contains("ack_wait 30s (policy 5m)");
        assertThat(JetStreamAnalysis.policyMismatch(consumer("8", 0, 0, 0, 0, Optional.empty(), 2), POLICY)).isEmpty();
        JobStream.Consumer other = new JobStream.Consumer("audit", 0, 0, 0, 0, 0, 0, Optional.empty(), Optional.empty(), 9,
                Duration.ofSeconds(1));
        assertThat(JetStreamAnalysis.isJobConsumer(s, other, NAMING)).isFalse();
        assertThat(JetStreamAnalysis.isJobConsumer(s, s.consumers().get(0), NAMING)).isTrue();
    }

    @Test
    void aJobIsStalledOnlyAfterItsThresholdAndGetsAnEtaFromTheAckRate() {
        JobStream s = stream("9", NOW.minusSeconds(600), 100, 100, Optional.of(NOW.minusSeconds(600)),
                consumer("9", 50, 10, 50, 40, Optional.of(NOW.minusSeconds(30)), 2));
        JobStream.Consumer c = s.consumers().get(0);
        var quiet = JobProgress.assess(s, c, Optional.empty(), NOW, Duration.ofMinutes(10));
        assertThat(quiet.stalled()).isFalse();
        assertThat(quiet.text()).contains("60 remaining").contains("ETA: measuring");
        var withRate = JobProgress.assess(s, c, Optional.of(new JobProgress.Sample(NOW.minusSeconds(20), 20)), NOW, Duration.ofMinutes(10));
        assertThat(withRate.text()).contains("1.0 acks/s, ETA 60s");
        var stalled = JobProgress.assess(s, c, Optional.empty(), NOW, Duration.ofSeconds(20));
        assertThat(stalled.stalled()).isTrue();
        assertThat(stalled.text()).startsWith("STALLED: no task picked up in 30s, last delivery at ");
    }

    @Test
    void triageNamesTheSeedCausesInTheOrderOperatorsAskThem() {
        JobStream s = stream("2226", NOW.minusSeconds(600), 4, 4, Optional.of(NOW.minusSeconds(600)),
                consumer("2226", 4, 0, 0, 0, Optional.empty(), 2));
        var noUrl = new TriageVerdict.WorkerFacts("ami-worker-2", Optional.of("c1 runs without NATS_URL"), Optional.empty(), List.of());
        var fine = new TriageVerdict.WorkerFacts("ami-live", Optional.empty(), Optional.empty(), List.of());
        var progress = Optional.of(JobProgress.assess(s, s.consumers().get(0), Optional.empty(), NOW, Duration.ofMinutes(5)));
        var verdict = TriageVerdict.decide(new TriageVerdict.Facts("2226", Optional.of(s), Optional.of(s.consumers().get(0)), 0,
                Optional.empty(), progress, List.of(fine, noUrl)));
        assertThat(verdict.cause()).startsWith("NATS_URL on ami-worker-2");
        assertThat(verdict.fix()).isEqualTo("infra apply --limit ami-worker-2");

        var neverStarted = TriageVerdict.decide(new TriageVerdict.Facts("2226", Optional.of(s), Optional.of(s.consumers().get(0)), 0,
                Optional.empty(), progress, List.of(fine)));
        assertThat(neverStarted.problem()).isTrue();
        assertThat(neverStarted.cause()).startsWith("job 2226 never started: none of its 4 task(s) was ever handed to a worker");

        JobStream started = stream("2227", NOW.minusSeconds(1200), 4, 4, Optional.of(NOW.minusSeconds(1200)),
                consumer("2227", 2, 0, 2, 2, Optional.of(NOW.minusSeconds(900)), 2));
        var stalled = TriageVerdict.decide(new TriageVerdict.Facts("2227", Optional.of(started), Optional.of(started.consumers().get(0)), 0,
                Optional.empty(), Optional.of(JobProgress.assess(started, started.consumers().get(0), Optional.empty(), NOW,
                Duration.ofMinutes(5))), List.of(fine)));
        assertThat(stalled.cause()).startsWith("no worker is picking up tasks");

        var dead = TriageVerdict.decide(new TriageVerdict.Facts("2226", Optional.of(s), Optional.of(s.consumers().get(0)), 1,
                Optional.of("stream seq 2 after 2 deliveries"), progress, List.of(fine)));
        assertThat(dead.cause()).startsWith("1 message(s) exhausted max_deliver 2 (stream seq 2 after 2 deliveries)");

        var missing = TriageVerdict.decide(new TriageVerdict.Facts("1", Optional.empty(), Optional.empty(), 0, Optional.empty(),
                Optional.empty(), List.of(fine)));
        assertThat(missing.cause()).contains("has no stream");
    }
}
