package dev.infra.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.infra.testing.Cli;
import dev.infra.testing.JobFixtures;
import dev.infra.testing.LabExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Each seed failure, caused on the lab, found by `infra verify` with the right status on the right host. */
class VerifyLabTest {
    @RegisterExtension
    static LabExtension lab = new LabExtension();

    /** The lab inventory plus one processing service that answers (nats-monitor). */
    static final String NATS_MONITOR = "\nprocessing_services:\n  nats-monitor:\n    url: http://127.0.0.1:8222/healthz\n    timeout: 2s\n"
            + "    check_from: ami-redis-1\n";

    /** This test's inventory (each test writes its own file). */
    Path inventory;

    /**
     * lab.yml with ack_wait 2s (empty job streams count as orphans once they are older than that;
     * 5m in lab.yml) and {@code processingServices}, written afresh as {@code name}.
     */
    static Path verifyInventory(String name, String processingServices) {
        return lab.inventoryVariant(name, yml -> yml.replace("ack_wait: 5m", "ack_wait: 2s") + processingServices);
    }

    /** Each test starts from that inventory applied, with no streams and no leftovers of another test. */
    @BeforeEach
    void converge() {
        inventory = verifyInventory("lab-verify.yml", NATS_MONITOR);
        lab.converge(inventory);
    }

    Cli.Result infra(String... args) {
        return lab.infraOn(inventory, args);
    }

    JsonNode verifyJson() throws Exception {
        Cli.Result r = infra("verify", "--format", "json");
        JsonNode report = new ObjectMapper().readTree(r.out());
        assertThat(r.exitCode()).as(r.all()).isEqualTo(report.path("exit_code").asInt());
        return report;
    }

    static JsonNode check(JsonNode report, String host, String id) {
        for (JsonNode c : report.path("checks")) {
            if (c.path("host").asText().equals(host) && c.path("id").asText().equals(id)) {
                return c;
            }
        }
        throw new AssertionError("no check " + id + " on " + host + " in " + report);
    }

    @Test
    void aHealthyLabIsAllOk() throws Exception {
        Cli.Result text = infra("verify");
        assertThat(text.exitCode()).as(text.out()).isZero();
        assertThat(text.out()).contains("Summary:").contains("0 WARN, 0 CRIT, 0 UNKNOWN → OK")
                .contains("processing:nats-monitor").contains("reach").contains("jetstream");
    }

    @Test
    void theJsonReportValidatesAgainstTheDocumentedSchemaAndNagiosIsOneLinePerCheck() throws Exception {
        Cli.Result json = infra("verify", "--format", "json");
        String schemaText = new String(VerifyReport.class.getResourceAsStream("/schemas/verify-1.0.schema.json").readAllBytes(),
                StandardCharsets.UTF_8);
        Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(schemaText);
        JsonNode report = new ObjectMapper().readTree(json.out());
        assertThat(schema.validate(report)).isEmpty();
        assertThat(report.path("format_version").asText()).isEqualTo("1.0");

        Cli.Result nagios = infra("verify", "--format", "nagios");
        List<String> lines = nagios.out().lines().toList();
        assertThat(lines).hasSize(report.path("checks").size())
                .allMatch(l -> l.matches("^(OK|WARNING|CRITICAL|UNKNOWN) - \\S+ \\S+: [^|]* \\| time=\\d+\\.\\d{3}s$"));
    }

    @Test
    void aWorkerContainerWithoutNatsUrlIsCritOnThatHost() throws Exception {
        lab.recreateWithoutNatsUrl("ami-worker-2", "celeryworker");
        JsonNode report = verifyJson();
        JsonNode env = check(report, "ami-worker-2", "env");
        assertThat(env.path("status").asText()).isEqualTo("CRIT");
        assertThat(env.path("message").asText()).contains("runs without NATS_URL");
        assertThat(env.path("fix").asText()).contains("infra apply --limit ami-worker-2");
        assertThat(check(report, "ami-live", "env").path("status").asText()).isEqualTo("OK");
        assertThat(report.path("exit_code").asInt()).isEqualTo(2);
        assertThat(infra("apply", "--yes").exitCode()).isZero();
    }

    @Test
    void aWorkerHostCutOffFromNatsIsCritOnThatHost() throws Exception {
        lab.sh("ami-worker-2", "iptables -I OUTPUT -d " + lab.natsIp() + " -j DROP");
        try {
            long start = System.nanoTime();
            JsonNode report = verifyJson();
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            JsonNode reach = check(report, "ami-worker-2", "reach");
            assertThat(reach.path("status").asText()).isEqualTo("CRIT");
            assertThat(reach.path("message").asText()).contains(lab.natsIp());
            assertThat(check(report, "ami-live", "reach").path("status").asText()).isEqualTo("OK");
            assertThat(seconds).as("bounded by the reach timeout").isLessThan(20);
        } finally {
            lab.sh("ami-worker-2", "iptables -D OUTPUT -d " + lab.natsIp() + " -j DROP");
        }
    }

    @Test
    void ninetyFiveStaleStreamsAreAWarningWithTheirCount() throws Exception {
        lab.jetStream(jsm -> {
            for (int i = 0; i < 95; i++) {
                JobFixtures.createJob(jsm, String.valueOf(1000 + i), 2, Duration.ofSeconds(30));
            }
        });
        Thread.sleep(3000);
        JsonNode streams = check(verifyJson(), "ami-redis-1", "streams");
        assertThat(streams.path("status").asText()).isEqualTo("WARN");
        assertThat(streams.path("message").asText()).startsWith("95 stale job stream(s)");
    }

    @Test
    void aJobWhoseMessagesExhaustedMaxDeliverIsCritNamingStreamConsumerAndCount() throws Exception {
        lab.workers("stop");
        lab.standin("ami-worker-2", "enqueue --job 2300 --tasks 3 --max-deliver 2 --ack-wait 30s");
        lab.failingWorker("ami-worker-2", "failing", "2");
        try {
            JsonNode consumers = null;
            for (int i = 0; i < 30; i++) {
                consumers = check(verifyJson(), "ami-redis-1", "consumers");
                if (consumers.path("status").asText().equals("CRIT")) {
                    break;
                }
                Thread.sleep(1000);
            }
            assertThat(consumers.path("status").asText()).isEqualTo("CRIT");
            assertThat(consumers.path("message").asText())
                    .contains("job_2300/job-2300-consumer: 1 message(s) exhausted max_deliver 2 (stream seq 2)");
        } finally {
            lab.sh("ami-worker-2", "docker rm -f failing");
        }
    }

    @Test
    void aProcessingEndpointThatNeverAnswersIsCritAfterItsTimeoutWhileTheRestCompletes() throws Exception {
        // An endpoint that accepts and never answers, beside the healthy one.
        String pid = lab.sh("ami-live", "nohup python3 -c \"import socket,time; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);"
                + " s.bind(('127.0.0.1', 9999)); s.listen(5); c=[s.accept() for _ in range(5)]; time.sleep(3600)\" >/dev/null 2>&1 & echo $!").strip();
        try {
            inventory = verifyInventory("lab-verify-hung.yml", NATS_MONITOR
                    + "  hung-detector:\n    url: http://127.0.0.1:9999/readyz\n    timeout: 3s\n    check_from: ami-live\n");
            long start = System.nanoTime();
            JsonNode report = verifyJson();
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            JsonNode hung = check(report, "ami-live", "processing:hung-detector");
            assertThat(hung.path("status").asText()).isEqualTo("CRIT");
            assertThat(hung.path("message").asText()).contains("did not answer within 3 s");
            assertThat(check(report, "ami-redis-1", "processing:nats-monitor").path("status").asText()).isEqualTo("OK");
            assertThat(millis).as("within the endpoint's timeout plus slack").isLessThan(3000 + 6000);
            System.out.println("verify with a hung endpoint (3 s timeout) took " + millis + " ms");
        } finally {
            lab.sh("ami-live", "kill " + pid);
        }
    }

    @Test
    void jetStreamInTmpIsCritOnTheNatsHost() throws Exception {
        lab.natsByHand("~/nats", "nats");
        JsonNode js = check(verifyJson(), "ami-redis-1", "jetstream");
        assertThat(js.path("status").asText()).isEqualTo("CRIT");
        assertThat(js.path("message").asText()).contains("/tmp/nats/jetstream");
    }

    @Test
    void theNatsContainerStoppedIsCrit() throws Exception {
        lab.compose("ami-redis-1", "~/nats", "docker-compose.yml", "stop");
        JsonNode report = verifyJson();
        assertThat(check(report, "ami-redis-1", "service:nats").path("status").asText()).isEqualTo("CRIT");
        assertThat(check(report, "ami-redis-1", "service:nats").path("message").asText()).contains("0 of 1 running");
        assertThat(check(report, "ami-redis-1", "jetstream").path("status").asText()).isEqualTo("CRIT");
        assertThat(report.path("exit_code").asInt()).isEqualTo(2);
    }
}
