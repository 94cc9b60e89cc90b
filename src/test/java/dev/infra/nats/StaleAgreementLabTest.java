package dev.infra.nats;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.infra.fleet.Fleet;
import dev.infra.testing.Cli;
import dev.infra.testing.JobFixtures;
import dev.infra.testing.LabExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * `nats streams --stale`, `nats prune` (dry run) and verify's `streams` check apply one rule, so on
 * the same fleet they name the same streams: here streams on both sides of each threshold.
 */
class StaleAgreementLabTest {
    @RegisterExtension
    static LabExtension lab = new LabExtension();

    /** lab.yml with thresholds a test can cross: max_age 15s, ack_wait 20s. */
    static Path inventory() throws Exception {
        Path file = lab.dir().resolve("lab-stale-" + System.nanoTime() + ".yml");
        Files.writeString(file, Files.readString(Path.of(Cli.inventory("lab.yml")))
                .replace("ack_wait: 5m", "ack_wait: 20s").replace("max_age: 24h", "max_age: 15s"));
        return file;
    }

    @Test
    void theThreeViewsOfStaleNameTheSameStreams() throws Exception {
        lab.converge();
        lab.workers("stop");   // nothing may consume (and so touch) the test's streams
        Path inv = inventory();
        try (Fleet f = lab.fleet(); NatsAdmin admin = f.jetStream(Duration.ofSeconds(5))) {
            var jsm = admin.management();
            var js = admin.connection().jetStream();
            Instant t0 = Instant.now();
            JobFixtures.createJob(jsm, "7001", 2, Duration.ofSeconds(20));   // old, idle, holding work: stale (max_age)
            JobFixtures.createJob(jsm, "7002", 2, Duration.ofSeconds(20));   // old, but a message arrives later: active
            JobFixtures.createJob(jsm, "7004", 2, Duration.ofSeconds(20));   // empty and never used: stale (orphan)
            js.publish("job.7001.tasks", "{\"id\":1}".getBytes(StandardCharsets.UTF_8));
            js.publish("job.7002.tasks", "{\"id\":1}".getBytes(StandardCharsets.UTF_8));
            Thread.sleep(Math.max(0, Duration.ofSeconds(21).toMillis() - Duration.between(t0, Instant.now()).toMillis()));
            js.publish("job.7002.tasks", "{\"id\":2}".getBytes(StandardCharsets.UTF_8));
            JobFixtures.createJob(jsm, "7003", 2, Duration.ofSeconds(20));   // young, holding work: not stale
            js.publish("job.7003.tasks", "{\"id\":1}".getBytes(StandardCharsets.UTF_8));
            JobFixtures.createJob(jsm, "7005", 2, Duration.ofSeconds(20));   // empty, but younger than ack_wait: not stale
        }
        Thread.sleep(1500);
        Instant start = Instant.now();

        Cli.Result streams = lab.infraOn(inv, "nats", "streams", "--stale");
        Cli.Result prune = lab.infraOn(inv, "nats", "prune");
        Cli.Result verify = lab.infraOn(inv, "verify", "--limit", "ami-redis-1", "--format", "json");
        assertThat(Duration.between(start, Instant.now())).as("all three looked within the same side of every threshold")
                .isLessThan(Duration.ofSeconds(12));

        TreeSet<String> fromStreams = new TreeSet<>(streams.out().lines().filter(l -> l.startsWith("job_"))
                .map(l -> l.split("\\s+")[0]).toList());
        TreeSet<String> fromPrune = new TreeSet<>(prune.out().lines().filter(l -> l.startsWith("  - "))
                .map(l -> l.substring(4, l.indexOf(':'))).toList());
        JsonNode check = null;
        for (JsonNode c : new ObjectMapper().readTree(verify.out()).path("checks")) {
            if (c.path("id").asText().equals("streams")) {
                check = c;
            }
        }
        assertThat(check).as(verify.all()).isNotNull();
        Matcher m = Pattern.compile("\\(([^)]*)\\):").matcher(check.path("message").asText());
        assertThat(m.find()).as(check.toString()).isTrue();
        TreeSet<String> fromVerify = new TreeSet<>(List.of(m.group(1).split(", ")));

        assertThat(fromStreams).as(streams.all()).containsExactly("job_7001", "job_7004");
        assertThat(fromPrune).as(prune.all()).isEqualTo(fromStreams);
        assertThat(fromVerify).as(check.toString()).isEqualTo(fromStreams);
        assertThat(check.path("status").asText()).isEqualTo("WARN");
        assertThat(prune.out()).contains("Dry run: nothing was deleted")
                .contains("Keeping 1 stale job stream(s) whose job still has work").contains("  - job_7001: older than 15s")
                .contains("Would delete 1 job stream(s)").contains("  - job_7004: older than 15s");
        lab.workers("start");
    }
}
