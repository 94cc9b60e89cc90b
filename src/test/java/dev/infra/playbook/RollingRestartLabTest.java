package dev.infra.playbook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.infra.testing.Cli;
import dev.infra.testing.LabExtension;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** playbooks/rolling-restart-workers.yml on the lab: one host at a time, each behind its health gate. */
class RollingRestartLabTest {
    @RegisterExtension
    static LabExtension lab = new LabExtension();

    static Cli.Result infra(String... args) {
        return lab.infra(args);
    }

    record Span(String host, Instant start, Instant end) {}

    static Span lastRestart(String host) throws Exception {
        List<String> lines = lab.sh(host, "cat ~/.infra/audit.log").lines().filter(l -> l.contains("\"infra restart")).toList();
        JsonNode last = new ObjectMapper().readTree(lines.get(lines.size() - 1));
        Instant end = Instant.parse(last.path("time").asText());
        assertThat(last.path("result").asText()).isEqualTo("ok");
        return new Span(host, end.minusMillis(last.path("duration_ms").asLong()), end);
    }

    @Test
    void workersRestartOneBatchAtATimeBehindHealthGates() throws Exception {
        assertThat(infra("apply", "--yes").exitCode()).isZero();
        String before = lab.sh("ami-worker-2", "docker inspect ami-platform_celeryworker_1 --format '{{.Created}}'");
        Cli.Result r = infra("run", Cli.repo().resolve("playbooks/rolling-restart-workers.yml").toString());
        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains("Batch 1/2").contains("Batch 2/2").contains("Playbook complete: 3 step(s).");
        assertThat(lab.sh("ami-worker-2", "docker inspect ami-platform_celeryworker_1 --format '{{.Created}}'")).isNotEqualTo(before);

        Span live = lastRestart("ami-live");
        Span worker = lastRestart("ami-worker-2");
        // The audit log's timestamps show the batches did not overlap: the second began after the first was healthy.
        Span first = live.start().isBefore(worker.start()) ? live : worker;
        Span second = first == live ? worker : live;
        assertThat(second.start()).as(first + " then " + second).isAfterOrEqualTo(first.end());
    }
}
