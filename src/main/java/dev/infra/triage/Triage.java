package dev.infra.triage;

import dev.infra.fleet.Fleet;
import dev.infra.inventory.Host;
import dev.infra.nats.JetStreamAnalysis;
import dev.infra.nats.JobProgress;
import dev.infra.nats.JobStream;
import dev.infra.nats.NatsAdmin;
import dev.infra.nats.TriageVerdict;
import dev.infra.observe.ProbeCommands;
import dev.infra.render.ComposeProject;
import dev.infra.ssh.ExecResult;
import dev.infra.verify.CheckResult;
import dev.infra.verify.CheckRunner;
import dev.infra.verify.FleetChecks;
import dev.infra.verify.Status;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The operators' manual triage of a hung job as one operation: read the job's stream and consumer,
 * its dead letters and progress, every app/worker host's live env and reach to NATS (verify's own
 * checks), the recent error lines of their containers; then {@link TriageVerdict} decides.
 */
public final class Triage {
    private static final String ERROR_PATTERN = "error|exception|traceback|connect call failed|failed permanently";

    private Triage() {}

    public static TriageReport run(Fleet f, String job, String since, Duration stall) {
        var inv = f.inventory();
        var naming = inv.policy().naming();
        String streamName = naming.streamFor(job);
        Optional<String> jsError = Optional.empty();
        Optional<JobStream> stream = Optional.empty();
        Optional<JobStream.Consumer> consumer = Optional.empty();
        long dead = 0;
        Optional<String> deadDetail = Optional.empty();
        Optional<JobProgress.Verdict> progress = Optional.empty();
        Instant now = Instant.now();
        try (NatsAdmin admin = f.jetStream(Duration.ofSeconds(10))) {
            stream = admin.streams().stream().filter(s -> s.name().equals(streamName)).findFirst();
            consumer = stream.flatMap(s -> s.consumer(naming.consumerFor(job)));
            if (consumer.isPresent()) {
                JobStream s = stream.get();
                JobStream.Consumer c = consumer.get();
                List<NatsAdmin.Advisory> advisories = admin.advisories().stream().filter(a -> a.stream().equals(streamName)).toList();
                var fromState = JetStreamAnalysis.deadLetters(List.of(s), naming, Map.of());
                if (!advisories.isEmpty()) {
                    dead = advisories.size();
                    deadDetail = Optional.of("stream seq " + String.join(", ", advisories.stream()
                            .map(a -> a.streamSeq() + " after " + a.deliveries() + " deliveries").toList()));
                } else if (!fromState.isEmpty()) {
                    dead = fromState.get(0).count();
                    deadDetail = Optional.of("first at stream seq " + (c.ackFloorStreamSeq() + 1) + ", from consumer state");
                }
                progress = Optional.of(JobProgress.assess(s, c, Optional.empty(), now, stall));
            }
        } catch (IOException e) {
            jsError = Optional.of(e.getMessage());
        }

        List<Host> workers = inv.hosts().values().stream().filter(h -> f.desired(h.name()).duties().runsDeployment()).toList();
        List<CheckResult> checks = CheckRunner.run(new FleetChecks(f, Duration.ofSeconds(15)).checks(workers).stream()
                .filter(c -> c.id().equals("env") || c.id().equals("reach")).toList(), Duration.ofSeconds(25));
        Map<String, List<String>> errors = errorLines(f, workers, since);
        Map<String, List<String>> lines = new LinkedHashMap<>();
        List<TriageVerdict.WorkerFacts> facts = new ArrayList<>();
        for (Host h : workers) {
            lines.put(h.name(), List.of(line(checks, h, "env"), line(checks, h, "reach")));
            facts.add(new TriageVerdict.WorkerFacts(h.name(), crit(checks, h, "env"), crit(checks, h, "reach"),
                    errors.getOrDefault(h.name(), List.of())));
        }
        TriageVerdict.Verdict verdict = TriageVerdict.decide(new TriageVerdict.Facts(job, stream, consumer, dead, deadDetail, progress, facts));
        return new TriageReport(job, inv.file().toString(), now, since, streamName, naming.consumerFor(job), inv.policy(), jsError,
                stream, consumer, dead, deadDetail, progress, lines, errors, verdict);
    }

    /** Only a definite failure is a cause; "nothing running to check" is not a wrong NATS_URL. */
    private static Optional<String> crit(List<CheckResult> checks, Host h, String id) {
        return checks.stream().filter(c -> c.host().equals(h.name()) && c.id().equals(id) && c.status() == Status.CRIT)
                .map(CheckResult::message).findFirst();
    }

    private static String line(List<CheckResult> checks, Host h, String id) {
        return checks.stream().filter(c -> c.host().equals(h.name()) && c.id().equals(id))
                .map(c -> c.status() + " " + c.message()).findFirst().orElse(id + ": not checked");
    }

    /** Per host: "container: Nx <message>" for the most frequent recent error lines of its app containers. */
    private static Map<String, List<String>> errorLines(Fleet f, List<Host> hosts, String since) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        List<Map.Entry<String, List<String>>> results = f.forEach(hosts, h -> {
            List<String> projects = f.desired(h.name()).deploymentProjects().stream().map(ComposeProject::name).toList();
            try {
                ExecResult r = f.remote(h).run(ProbeCommands.errorLines(projects, since, ERROR_PATTERN, 3), Duration.ofSeconds(30));
                List<String> lines = new ArrayList<>();
                r.stdout().lines().filter(l -> !l.isBlank()).forEach(l -> {
                    String[] parts = l.strip().split("\\s+", 3);
                    lines.add(parts.length == 3 ? parts[0] + ": " + parts[1] + "x " + parts[2] : l.strip());
                });
                return Map.entry(h.name(), lines);
            } catch (RuntimeException e) {
                return Map.entry(h.name(), List.of("cannot read logs: " + e.getMessage()));
            }
        });
        results.forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }
}
