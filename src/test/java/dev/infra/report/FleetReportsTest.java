package dev.infra.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infra.fleet.Fleet;
import dev.infra.inventory.Host;
import dev.infra.inventory.Inventory;
import dev.infra.nats.JobStream;
import dev.infra.observe.ObservedContainer;
import dev.infra.observe.ObservedHost;
import dev.infra.plan.Action;
import dev.infra.plan.Plan;
import dev.infra.render.DesiredFleet;
import dev.infra.report.FleetReport.DriftState;
import dev.infra.report.FleetReport.HostEntry;
import dev.infra.testing.Inventories;
import dev.infra.verify.CheckResult;
import dev.infra.verify.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Facts in, report out: where each check is shown, drift, the last apply, a job's progress. */
class FleetReportsTest {
    static final Instant NOW = Instant.parse("2026-11-28T20:00:00Z");
    static final Inventory INV = Inventories.shipped("ami.yml");
    static final DesiredFleet DESIRED = Inventories.renderer().renderFleet(INV);

    static CheckResult check(String id, String host, Status s) {
        return new CheckResult(id, host, s, id + " says " + s, s == Status.OK ? "" : "infra apply --limit " + host, Duration.ZERO);
    }

    static FleetReport build(List<CheckResult> checks, Map<String, Fleet.Observation> observed, Optional<Plan> plan,
                             Map<String, String> audit, Optional<List<JobStream>> streams) {
        List<Host> hosts = List.copyOf(INV.hosts().values());
        return FleetReports.build(new FleetReports.Facts("inventory/ami.yml", hosts, DESIRED::host, INV.policy(), checks, observed, plan,
                audit, streams, streams.isPresent() ? Optional.empty() : Optional.of("JetStream: connection refused"), List.of(), NOW,
                Duration.ofSeconds(1)));
    }

    static HostEntry host(FleetReport r, String name) {
        return r.hosts().stream().filter(h -> h.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void natsChecksGoToTheNatsSectionAndAHostsStatusIsItsWorstOwnCheck() {
        String worker = "ami-worker-2";
        String nats = DESIRED.natsServers().get(0).host();
        FleetReport r = build(List.of(check("ssh", worker, Status.OK), check("env", worker, Status.CRIT),
                check("ssh", nats, Status.OK), check("streams", nats, Status.WARN)), Map.of(), Optional.empty(), Map.of(), Optional.empty());
        assertThat(host(r, worker).status()).isEqualTo(Status.CRIT);
        assertThat(host(r, worker).failing()).extracting(CheckResult::id).containsExactly("env");
        assertThat(host(r, nats).status()).as("the streams warning is JetStream's, not the host's").isEqualTo(Status.OK);
        assertThat(r.nats().checks()).extracting(CheckResult::id).containsExactly("streams");
        assertThat(r.nats().unreadable()).contains("JetStream: connection refused");
        assertThat(host(r, worker).natsTargets()).containsExactly(nats);
    }

    @Test
    void hostsWhoseChecksWereNotReadAreUnknownNotOk() {
        FleetReport r = build(List.of(), Map.of(), Optional.empty(), Map.of(), Optional.empty());
        assertThat(r.hosts()).allSatisfy(h -> assertThat(h.status()).isEqualTo(Status.UNKNOWN));
        assertThat(r.status()).isEqualTo(Status.UNKNOWN);
        assertThat(host(r, "ami-worker-2").auditRead()).isFalse();
    }

    @Test
    void aJumpHostLeftOutOfTheReportIsStillOnTheDrawnPath() {
        List<Host> onlyWorker = List.of(INV.hosts().get("ami-worker-2"));
        FleetReport r = FleetReports.build(new FleetReports.Facts("inventory/ami.yml", onlyWorker, DESIRED::host, INV.policy(),
                List.of(check("ssh", "ami-worker-2", Status.OK)), Map.of(), Optional.empty(), Map.of("ami-worker-2", ""), Optional.empty(),
                Optional.empty(), List.of(), NOW, Duration.ZERO));
        assertThat(host(r, "ami-worker-2").via()).contains("ami-cc");
        String dot = Topology.dot(r);
        assertThat(dot).contains("\"ami-cc\" [id=\"node-ami-cc\"").contains("not in this report")
                .contains("\"(you)\" -> \"ami-cc\"").contains("\"ami-cc\" -> \"ami-worker-2\"")
                .doesNotContain("\"(you)\" -> \"ami-worker-2\"");
    }

    @Test
    void driftIsInSyncDriftedOrUnknownWithWhy() {
        Host w = INV.hosts().get("ami-worker-2");
        Host app = INV.hosts().get("ami-live");
        ObservedHost state = new ObservedHost("x", Map.of(), "v2", List.of(), Set.of());
        Plan plan = new Plan(Plan.FORMAT_VERSION, "inv", "now", List.of(
                new Plan.HostPlan("ami-worker-2", List.of("worker"), "via ami-cc",
                        List.of(new Plan.FileChange("~/ami-platform/docker-compose.worker.yml", Action.UPDATE, "", List.of())), List.of(),
                        Optional.empty()),
                new Plan.HostPlan("ami-live", List.of("app"), "via ami-cc", List.of(), List.of(), Optional.empty())), Map.of());
        FleetReport r = build(List.of(), Map.of(w.name(), new Fleet.Observation(w, Optional.of(state), Optional.empty()),
                app.name(), new Fleet.Observation(app, Optional.of(state), Optional.empty())), Optional.of(plan), Map.of(), Optional.empty());
        assertThat(host(r, "ami-worker-2").drift().state()).isEqualTo(DriftState.DRIFTED);
        assertThat(host(r, "ami-worker-2").drift().changes()).singleElement().asString().contains("docker-compose.worker.yml");
        assertThat(host(r, "ami-live").drift().state()).isEqualTo(DriftState.IN_SYNC);
        assertThat(host(r, "ami-cc").drift().state()).isEqualTo(DriftState.UNKNOWN);
        assertThat(host(r, "ami-cc").drift().why()).isEqualTo("not read in time");
    }

    @Test
    void servicesCountRunningContainersAgainstTheWantedScale() {
        Host w = INV.hosts().get("ami-worker-2");
        ObservedContainer stopped = new ObservedContainer("ami-platform", "celeryworker", "c1", "exited", "", 0, Map.of(), List.of(), "img", "");
        ObservedHost state = new ObservedHost("ami-worker-2", Map.of(), "v2", List.of(stopped), Set.of());
        FleetReport r = build(List.of(), Map.of(w.name(), new Fleet.Observation(w, Optional.of(state), Optional.empty())),
                Optional.empty(), Map.of(), Optional.empty());
        assertThat(host(r, "ami-worker-2").services()).isNotEmpty().allSatisfy(s -> {
            assertThat(s.running()).isZero();
            assertThat(s.up()).isFalse();
        });
        assertThat(host(r, "ami-live").services()).as("not read").allSatisfy(s -> assertThat(s.running()).isEqualTo(-1));
    }

    @Test
    void theLastApplyIsTheAuditLogsLastLine() {
        String line = "{\"time\":\"2026-11-28T19:00:00Z\",\"who\":\"ops@laptop\",\"command\":\"apply\",\"host\":\"ami-worker-2\","
                + "\"result\":\"ok\",\"duration_ms\":812,\"changes\":[\"wrote ~/a\"]}";
        FleetReport r = build(List.of(), Map.of(), Optional.empty(), Map.of("ami-worker-2", "{\"old\":1}\n" + line + "\n",
                "ami-live", "not json"), Optional.empty());
        assertThat(host(r, "ami-worker-2").lastApply()).hasValueSatisfying(a -> {
            assertThat(a.who()).isEqualTo("ops@laptop");
            assertThat(a.result()).isEqualTo("ok");
            assertThat(a.changes()).containsExactly("wrote ~/a");
        });
        assertThat(host(r, "ami-live").lastApply()).isEmpty();
    }

    @Test
    void aJobsProgressIsItsAckFloorOverItsMessagesWithAnEtaAtItsAverageRate() {
        JobStream.Consumer c = new JobStream.Consumer("job-4711-consumer", 6, 0, 1, 0, 4, 4, Optional.of(NOW.minusSeconds(5)),
                Optional.of(NOW.minusSeconds(5)), 2, Duration.ofMinutes(5));
        JobStream s = new JobStream("job_4711", Optional.of("4711"), NOW.minusSeconds(40), 10, 1000, 1, 10, Optional.of(NOW.minusSeconds(30)),
                List.of(c));
        FleetReport r = build(List.of(), Map.of(), Optional.empty(), Map.of(), Optional.of(List.of(s)));
        assertThat(r.nats().jobs()).singleElement().satisfies(j -> {
            assertThat(j.jobId()).isEqualTo("4711");
            assertThat(j.progress()).isEqualTo(0.4);
            assertThat(j.pending()).isEqualTo(6);
            assertThat(j.redelivered()).isEqualTo(1);
            assertThat(j.eta()).isEqualTo("about 60s (0.1 acks/s so far)");
            assertThat(j.lastActivity()).contains(NOW.minusSeconds(5));
        });
    }
}
