package dev.infra.view;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infra.inventory.Inventory;
import dev.infra.lab.Lab;
import dev.infra.nats.JetStreamAnalysis;
import dev.infra.nats.JobProgress;
import dev.infra.nats.JobStream;
import dev.infra.nats.NatsAdmin;
import dev.infra.nats.StaleStreams;
import dev.infra.nats.TriageVerdict;
import dev.infra.testing.Inventories;
import dev.infra.testing.Schemas;
import dev.infra.triage.TriageReport;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Every --json view, with and without its optional parts, validates against the schema it names. */
class JsonViewsTest {
    static final Instant NOW = Instant.parse("2026-11-28T20:00:00Z");
    static final Inventory INV = Inventories.shipped("ami.yml");
    static final JobStream.Consumer CONSUMER = new JobStream.Consumer("job-4711-consumer", 0, 0, 3, 0, 10, 7, Optional.of(NOW.minusSeconds(600)),
            Optional.of(NOW.minusSeconds(600)), 2, Duration.ofMinutes(5));
    static final JobStream STREAM = new JobStream("job_4711", Optional.of("4711"), NOW.minusSeconds(3600), 10, 2048, 1, 10,
            Optional.of(NOW.minusSeconds(900)), List.of(CONSUMER));
    static final JobStream OTHER = new JobStream("advisories", Optional.empty(), NOW.minusSeconds(60), 0, 0, 0, 0, Optional.empty(), List.of());

    @Test
    void hosts() {
        String json = JsonViews.hosts(INV);
        assertThat(Schemas.problems("hosts", json)).isEmpty();
        assertThat(json).contains("\"name\" : \"ami-worker-2\"").contains("\"via\" : \"ami-cc\"");
    }

    @Test
    void natsStreamsConsumersAndDeadLetters() {
        List<StaleStreams.Stale> stale = List.of(new StaleStreams.Stale(STREAM, "idle for 15m", 0));
        assertThat(Schemas.problems("nats-streams", JsonViews.streams(List.of(STREAM, OTHER), stale, false, NOW))).isEmpty();
        assertThat(Schemas.problems("nats-streams", JsonViews.streams(List.of(), List.of(), true, NOW))).isEmpty();
        assertThat(Schemas.problems("nats-consumers", JsonViews.consumers(List.of(STREAM, OTHER), INV.policy()))).isEmpty();
        var naming = INV.policy().naming();
        var advisory = new NatsAdmin.Advisory("job_4711", "job-4711-consumer", 8, 2, "2026-11-28T19:50:00Z");
        String dead = JsonViews.deadLetters(List.of(advisory), JetStreamAnalysis.deadLetters(List.of(STREAM), naming, Map.of()), naming,
                Optional.of("4711"));
        assertThat(Schemas.problems("nats-dead-letters", dead)).isEmpty();
        assertThat(dead).contains("\"source\" : \"advisory\"").contains("\"source\" : \"consumer_state\"");
        assertThat(Schemas.problems("nats-dead-letters", JsonViews.deadLetters(List.of(), List.of(), naming, Optional.empty()))).isEmpty();
    }

    @Test
    void lockStatusHeldFreeAndWrittenByHand() {
        assertThat(Schemas.problems("lock-status", JsonViews.lock("ami-cc:~/.infra/lock",
                Optional.of("{\"who\":\"ops@laptop\",\"since\":\"2026-11-28T19:59:00Z\",\"command\":\"apply\"}")))).isEmpty();
        assertThat(Schemas.problems("lock-status", JsonViews.lock("ami-cc:~/.infra/lock", Optional.empty()))).isEmpty();
        assertThat(Schemas.problems("lock-status", JsonViews.lock("ami-cc:~/.infra/lock", Optional.of("held by hand")))).isEmpty();
    }

    @Test
    void triageWithEverythingReadAndWithJetStreamDown() {
        TriageReport full = new TriageReport("4711", "inventory/ami.yml", NOW, "30m", "job_4711", "job-4711-consumer", INV.policy(),
                Optional.empty(), Optional.of(STREAM), Optional.of(CONSUMER), 3, Optional.of("3 dead past the ack floor"),
                Optional.of(new JobProgress.Verdict(true, true, "STALLED")), Map.of("ami-worker-2", List.of("CRIT env: no NATS_URL")),
                Map.of("ami-worker-2", List.of("celeryworker 12 Connection refused")),
                new TriageVerdict.Verdict(true, "a worker runs without NATS_URL", "infra apply --limit ami-worker-2"));
        assertThat(Schemas.problems("triage", JsonViews.triage(full))).isEmpty();
        TriageReport down = new TriageReport("4711", "inventory/ami.yml", NOW, "30m", "job_4711", "job-4711-consumer", INV.policy(),
                Optional.of("connection refused"), Optional.empty(), Optional.empty(), 0, Optional.empty(), Optional.empty(), Map.of(),
                Map.of(), new TriageVerdict.Verdict(true, "JetStream cannot be read", "infra verify"));
        assertThat(Schemas.problems("triage", JsonViews.triage(down))).isEmpty();
    }

    @Test
    void labStatus() {
        assertThat(Schemas.problems("lab-status", JsonViews.lab("lab", List.of(
                new Lab.HostStatus("ami-cc", "infra-lab-lab-ami-cc", "running", "-"),
                new Lab.HostStatus("ami-worker-2", "infra-lab-lab-ami-worker-2", "missing", "docker 20.10"))))).isEmpty();
    }

    @Test
    void aSchemaRefusesWhatItDoesNotDescribe() {
        assertThat(Schemas.problems("lab-status", "{\"format_version\": \"1.0\", \"kind\": \"lab-status\", \"lab\": \"lab\"}")).isNotEmpty();
        assertThat(Schemas.problems("hosts", JsonViews.hosts(INV).replace("\"kind\" : \"hosts\"", "\"kind\" : \"lab\""))).isNotEmpty();
    }
}
