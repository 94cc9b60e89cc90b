package dev.infra.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infra.inventory.Host;
import dev.infra.inventory.Role;
import dev.infra.testing.Chromium;
import dev.infra.testing.Cli;
import dev.infra.testing.JobFixtures;
import dev.infra.testing.LabExtension;
import dev.infra.testing.Schemas;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PullSubscribeOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * `infra report` on the lab, opened in headless Chromium as an operator would: what the page shows is
 * read from the DOM the browser built, and a screenshot is left under target/report for a person.
 */
class ReportLabTest {
    @RegisterExtension
    static LabExtension lab = new LabExtension();

    static final Path OUT = Cli.repo().resolve("target/report");

    @BeforeEach
    void converge() {
        lab.converge();
    }

    /** Job 4711: 10 tasks queued, 4 done (fetched and acknowledged as a worker would); the lab's workers stopped, so it stays so. */
    static void aJobInProgress() {
        lab.workers("stop");
        lab.nats(nc -> {
            JobFixtures.createJob(nc.jetStreamManagement(), "4711", 2, Duration.ofMinutes(5));
            for (int i = 0; i < 10; i++) {
                nc.jetStream().publish("job.4711.tasks", ("{\"task\": " + i + "}").getBytes());
            }
            JetStreamSubscription sub = nc.jetStream().subscribe("job.4711.tasks", PullSubscribeOptions.bind("job_4711", "job-4711-consumer"));
            List<Message> done = sub.fetch(4, Duration.ofSeconds(5));
            assertThat(done).hasSize(4);
            for (Message m : done) {
                m.ackSync(Duration.ofSeconds(5));
            }
            sub.unsubscribe();
        });
    }

    @Test
    void aWorkerWithoutNatsUrlIsRedWithItsFixBesideTheJobsProgressAndTheTopology(@TempDir Path profile) throws Exception {
        aJobInProgress();
        lab.recreateWithoutNatsUrl("ami-worker-2", "celeryworker");   // it cannot consume job 4711: no NATS_URL
        Path html = OUT.resolve("fleet.html");
        Cli.Result r = lab.infra("report", "--out", html.toString());
        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains("Wrote " + html);
        assertThat(Files.readString(html)).as("self-contained: nothing to fetch").doesNotContain("src=\"http").doesNotContain("href=\"http");

        Document dom = Chromium.dom(html, 1400, 1800, profile);
        Chromium.screenshot(html, OUT.resolve("fleet.png"), 1400, 2400, profile);

        for (Host h : lab.inventory().hosts().values()) {
            Element card = dom.getElementById("host-" + h.name());
            assertThat(card).as(h.name()).isNotNull();
            for (Role role : h.roles()) {
                assertThat(card.select("[data-role=" + role.id() + "]")).as(h.name() + " " + role.id()).isNotEmpty();
            }
            assertThat(dom.select("#topology svg #node-" + h.name())).as("drawn: " + h.name()).isNotEmpty();
        }
        Element worker = dom.getElementById("host-ami-worker-2");
        assertThat(worker.attr("data-status")).isEqualTo("CRIT");
        Element env = worker.selectFirst(".check-failing[data-check=env]");
        assertThat(env).isNotNull();
        assertThat(env.text()).contains("runs without NATS_URL").contains("fix: infra apply --limit ami-worker-2");
        assertThat(dom.select("#topology svg #node-ami-worker-2 [stroke=\"#c62828\"]")).as("drawn red").isNotEmpty();
        assertThat(dom.getElementById("host-ami-cc").attr("data-status")).isEqualTo("OK");
        assertThat(dom.select("#topology svg #node-ami-cc [stroke=\"#2e7d32\"]")).as("drawn green").isNotEmpty();

        // The jump host sits between the operator and every other host.
        assertThat(dom.select("#topology svg #operator-machine")).isNotEmpty();
        assertThat(dom.select("#topology svg g.edge title").eachText()).contains("(you)->ami-cc", "ami-cc->ami-worker-2",
                "ami-worker-2->ami-redis-1");

        Element job = dom.selectFirst("tr.job[data-job=4711]");
        assertThat(job).as("job 4711's row").isNotNull();
        assertThat(job.text()).contains("40%");
        assertThat(job.selectFirst(".bar > div").attr("style")).contains("width: 40%");

        assertThat(dom.body().attr("data-overlaps")).as("labels overlapping in the drawing").isEqualTo("0");
        assertThat(Integer.parseInt(dom.body().attr("data-labels"))).as("labels drawn").isGreaterThan(8);
    }

    @Test
    void everyJsonOutputValidatesAgainstItsSchemaOnALiveFleet() {
        aJobInProgress();
        Map<String, List<String>> outputs = new LinkedHashMap<>();
        outputs.put("hosts", List.of("hosts", "--json"));
        outputs.put("nats-streams", List.of("nats", "streams", "--json"));
        outputs.put("nats-consumers", List.of("nats", "consumers", "--json"));
        outputs.put("nats-dead-letters", List.of("nats", "dead-letters", "--json"));
        outputs.put("lock-status", List.of("lock", "status", "--json"));
        outputs.put("triage", List.of("triage", "4711", "--json"));
        outputs.put("lab-status", List.of("lab", "--id", lab.id(), "status", "--json"));
        outputs.put("verify", List.of("verify", "--format", "json"));
        outputs.put("plan", List.of("plan", "--json"));
        outputs.forEach((schema, args) -> {
            Cli.Result r = lab.infra(args.toArray(String[]::new));
            // verify exits as `nats server check` does (0-3); triage 2 when it found a cause; the rest 0.
            assertThat(r.exitCode()).as(r.all()).isIn(schema.equals("verify") ? List.of(0, 1, 2, 3) : List.of(0, 2));
            assertThat(Schemas.problems(schema, r.out())).as(String.join(" ", args) + ":\n" + r.out()).isEmpty();
        });
        assertThat(lab.infra("nats", "streams", "--json").out()).contains("\"job\" : \"4711\"");
    }

    @Test
    void withTheNatsHostDownTheReportStillComesWithinItsTimeoutSayingWhatWasNotRead(@TempDir Path profile) throws Exception {
        String container = lab.labHost("ami-redis-1").container();
        lab.docker().pauseContainerCmd(container).exec();
        try {
            Path html = OUT.resolve("nats-down.html");
            long start = System.nanoTime();
            Cli.Result r = lab.infra("report", "--out", html.toString(), "--timeout", "8s");
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            assertThat(r.exitCode()).as(r.all()).isZero();
            assertThat(seconds).as("within the timeout and its margin").isLessThan(8 + 5 + 3);
            assertThat(r.out()).contains("not read: JetStream");

            Document dom = Chromium.dom(html, 1400, 1800, profile);
            assertThat(dom.getElementById("unread").text()).contains("JetStream (the job streams)");
            // It does not answer within the checks' time: verify's UNKNOWN (a refusal would be CRIT).
            assertThat(dom.getElementById("host-ami-redis-1").attr("data-status")).isIn("CRIT", "UNKNOWN");
            // The other hosts were read all the same: their state (drift) and their checks.
            assertThat(dom.select("#host-ami-live [data-drift]").attr("data-drift")).as("ami-live's state was read").isNotEqualTo("UNKNOWN");
            assertThat(dom.getElementById("host-ami-cc").attr("data-status")).isEqualTo("OK");
            assertThat(dom.getElementById("no-jobs").text()).contains("could be read");
        } finally {
            lab.docker().unpauseContainerCmd(container).exec();
        }
    }
}
