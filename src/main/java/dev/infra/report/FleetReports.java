package dev.infra.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.infra.fleet.Fleet;
import dev.infra.inventory.Host;
import dev.infra.inventory.JetStreamPolicy;
import dev.infra.inventory.Role;
import dev.infra.nats.JetStreamAnalysis;
import dev.infra.nats.JobProgress;
import dev.infra.nats.JobStream;
import dev.infra.nats.StaleStreams;
import dev.infra.observe.ObservedContainer;
import dev.infra.plan.Plan;
import dev.infra.render.ComposeProject;
import dev.infra.render.Duties;
import dev.infra.render.HostState;
import dev.infra.render.NatsEndpoint;
import dev.infra.report.FleetReport.Apply;
import dev.infra.report.FleetReport.Drift;
import dev.infra.report.FleetReport.DriftState;
import dev.infra.report.FleetReport.HostEntry;
import dev.infra.report.FleetReport.JobRow;
import dev.infra.report.FleetReport.NatsSection;
import dev.infra.report.FleetReport.ServiceState;
import dev.infra.verify.CheckResult;
import dev.infra.verify.Status;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Builds the report from what was read: pure, facts in, report out. Which checks are NATS's own
 * (they sit in the NATS section, not on the host) is decided here.
 */
public final class FleetReports {
    /** Verify's fleet-wide JetStream checks, shown with NATS rather than on the host they ran from. */
    static final Set<String> NATS_CHECKS = Set.of("jetstream", "cluster", "streams", "consumers");
    private static final ObjectMapper JSON = new ObjectMapper();

    private FleetReports() {}

    /**
     * What was read, each part present or saying why not.
     *
     * @param observations per host, its state (or why it could not be read); missing: not read in time
     * @param plan         the plan from those observations, when it could be made
     * @param audit        per host, the last line of its audit log ("" when it has none); missing: not read
     * @param streams      the JetStream streams, or empty with {@code natsError} saying why
     */
    public record Facts(String inventory, List<Host> hosts, Function<String, HostState> desired, JetStreamPolicy policy,
                        List<CheckResult> checks, Map<String, Fleet.Observation> observations, Optional<Plan> plan,
                        Map<String, String> audit, Optional<List<JobStream>> streams, Optional<String> natsError,
                        List<String> unread, Instant now, Duration took) {}

    public static FleetReport build(Facts f) {
        List<HostEntry> hosts = new ArrayList<>();
        List<CheckResult> natsChecks = new ArrayList<>();
        for (Host h : f.hosts()) {
            HostState d = f.desired().apply(h.name());
            Duties duties = d.duties();
            List<CheckResult> own = new ArrayList<>();
            for (CheckResult c : f.checks()) {
                if (!c.host().equals(h.name())) {
                    continue;
                }
                (NATS_CHECKS.contains(c.id()) ? natsChecks : own).add(c);
            }
            // Every host has checks (ssh at least): none means they were not read, which is no OK.
            Status status = own.isEmpty() ? Status.UNKNOWN : Status.worst(own.stream().map(CheckResult::status).toList());
            Optional<Fleet.Observation> o = Optional.ofNullable(f.observations().get(h.name()));
            hosts.add(new HostEntry(h.name(), h.address().orElse(h.ssh().alias().orElse("")), h.roles().stream().map(Role::id).toList(),
                    h.via(), duties.jumpHost(), status, services(d, o), own,
                    duties.natsReach().stream().map(NatsEndpoint::host).distinct().toList(),
                    drift(h.name(), o, f.plan()), lastApply(f.audit().get(h.name())), f.audit().containsKey(h.name())));
        }
        List<JobRow> jobs = f.streams().map(s -> jobs(s, f.policy(), f.now())).orElse(List.of());
        return new FleetReport(f.inventory(), f.now(), f.took(), hosts, new NatsSection(natsChecks, jobs, f.natsError()), f.unread());
    }

    static List<ServiceState> services(HostState d, Optional<Fleet.Observation> o) {
        List<ServiceState> out = new ArrayList<>();
        for (ComposeProject p : d.projects()) {
            for (ComposeProject.Service s : p.running()) {
                int running = o.flatMap(Fleet.Observation::state)
                        .map(state -> (int) state.containers(p.name(), s.name()).stream().filter(ObservedContainer::running).count())
                        .orElse(-1);
                out.add(new ServiceState(p.name(), s.name(), running, s.scale()));
            }
        }
        return out;
    }

    static Drift drift(String host, Optional<Fleet.Observation> o, Optional<Plan> plan) {
        if (o.isEmpty()) {
            return new Drift(DriftState.UNKNOWN, List.of(), "not read in time");
        }
        if (o.get().state().isEmpty()) {
            return new Drift(DriftState.UNKNOWN, List.of(), o.get().error().orElse("could not be read"));
        }
        Optional<Plan.HostPlan> hp = plan.flatMap(p -> p.hosts().stream().filter(x -> x.host().equals(host)).findFirst());
        if (hp.isEmpty()) {
            return new Drift(DriftState.UNKNOWN, List.of(), "no plan could be made");
        }
        if (hp.get().error().isPresent()) {
            return new Drift(DriftState.UNKNOWN, List.of(), hp.get().error().get());
        }
        List<String> changes = new ArrayList<>();
        hp.get().files().forEach(c -> changes.add(c.action().verb() + " " + c.path()));
        hp.get().services().forEach(c -> changes.add(c.action().verb() + " " + c.project() + "/" + c.service() + " (" + c.detail() + ")"));
        hp.get().slurm().forEach(c -> changes.add(c.toString()));
        return new Drift(changes.isEmpty() ? DriftState.IN_SYNC : DriftState.DRIFTED, changes, "");
    }

    /** The audit log's last JSON line; none when the host was never applied to (or the line is unreadable). */
    static Optional<Apply> lastApply(String auditTail) {
        if (auditTail == null || auditTail.isBlank()) {
            return Optional.empty();
        }
        String[] lines = auditTail.strip().split("\n");
        try {
            JsonNode j = JSON.readTree(lines[lines.length - 1]);
            List<String> changes = new ArrayList<>();
            j.path("changes").forEach(c -> changes.add(c.asText()));
            return Optional.of(new Apply(j.path("time").asText(""), j.path("who").asText(""), j.path("command").asText(""),
                    j.path("result").asText(""), changes, j.path("error").asText("")));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static List<JobRow> jobs(List<JobStream> streams, JetStreamPolicy policy, Instant now) {
        JetStreamPolicy.Naming naming = policy.naming();
        Set<String> stale = StaleStreams.find(streams, StaleStreams.Criteria.of(policy), now).stream()
                .map(s -> s.stream().name()).collect(Collectors.toSet());
        Map<String, Long> dead = JetStreamAnalysis.deadLetters(streams, naming, Map.of()).stream()
                .collect(Collectors.toMap(d -> d.stream().name(), JetStreamAnalysis.DeadLetters::count, Long::sum));
        List<JobRow> out = new ArrayList<>();
        for (JobStream s : streams) {
            if (s.jobId().isEmpty()) {
                continue;
            }
            Optional<JobStream.Consumer> c = s.consumer(naming.consumerFor(s.jobId().get()));
            Duration age = Duration.between(s.created(), now);
            out.add(new JobRow(s.name(), s.jobId().get(), age.isNegative() ? Duration.ZERO : age, s.messages(),
                    c.map(JobStream.Consumer::numPending).orElse(0L), c.map(JobStream.Consumer::numAckPending).orElse(0L),
                    c.map(JobStream.Consumer::numRedelivered).orElse(0L), dead.getOrDefault(s.name(), 0L), s.lastActivity(),
                    c.map(x -> JobProgress.done(s, x)).orElse(0.0),
                    c.map(x -> JobProgress.averageEta(s, x, now)).orElse("no consumer " + naming.consumerFor(s.jobId().get())),
                    stale.contains(s.name())));
        }
        return out;
    }
}
