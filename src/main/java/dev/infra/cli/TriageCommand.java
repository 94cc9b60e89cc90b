package dev.infra.cli;

import dev.infra.fleet.Fleet;
import dev.infra.inventory.Deployment;
import dev.infra.inventory.Host;
import dev.infra.inventory.Role;
import dev.infra.nats.JetStreamAnalysis;
import dev.infra.nats.JobProgress;
import dev.infra.nats.JobStream;
import dev.infra.nats.NatsAdmin;
import dev.infra.nats.TriageVerdict;
import dev.infra.render.ComposeProject;
import dev.infra.ssh.ExecResult;
import dev.infra.ssh.RemoteCommand;
import dev.infra.ssh.Shell;
import dev.infra.units.Durations;
import dev.infra.verify.CheckResult;
import dev.infra.verify.CheckRunner;
import dev.infra.verify.FleetChecks;
import dev.infra.verify.Status;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "triage", mixinStandardHelpOptions = true,
        description = {"The operators' manual triage of a hung job in one command: its stream and consumer, dead letters,",
                "stall, every worker's live NATS_URL and reach to NATS, recent errors in the containers' logs — and a verdict",
                "naming the likely cause and the command that fixes it. Exit 0 when the job looks fine, 2 when a cause was found."})
final class TriageCommand implements Callable<Integer> {
    private static final String ERROR_PATTERN = "error|exception|traceback|connect call failed|failed permanently";

    @ParentCommand
    InfraCommand parent;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "JOB", description = "The job id (as in job_{id}).")
    String job;

    @Option(names = "--since", defaultValue = "30m", paramLabel = "DURATION", description = "How far back to read container logs (default: ${DEFAULT-VALUE}).")
    String since;

    @Option(names = "--stall", defaultValue = "10m", paramLabel = "DURATION", description = "No pickup for this long is a stall (default: ${DEFAULT-VALUE}).")
    String stall;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (Fleet f = FleetOptions.open(parent.global, 8)) {
            var inv = f.inventory();
            var naming = inv.policy().naming();
            String streamName = naming.streamFor(job);
            out.println("Triage of job " + job + " (" + inv.file() + ")");
            out.println();
            out.println(parent.global.style().bold("JetStream"));
            Optional<JobStream> stream = Optional.empty();
            Optional<JobStream.Consumer> consumer = Optional.empty();
            long dead = 0;
            Optional<String> deadDetail = Optional.empty();
            Optional<JobProgress.Verdict> progress = Optional.empty();
            Host natsHost = inv.hostsWith(Role.NATS).get(0);
            try (NatsAdmin admin = new NatsAdmin(f.remote(natsHost), inv, f.secrets(), Duration.ofSeconds(10))) {
                List<JobStream> streams = admin.streams();
                stream = streams.stream().filter(s -> s.name().equals(streamName)).findFirst();
                if (stream.isEmpty()) {
                    out.println("  no stream " + streamName);
                } else {
                    JobStream s = stream.get();
                    Instant now = Instant.now();
                    out.println("  stream " + s.name() + ": " + s.messages() + " message(s), seq " + s.firstSeq() + ".." + s.lastSeq()
                            + ", created " + NatsCommand.ago(Optional.of(s.created()), now));
                    consumer = s.consumer(naming.consumerFor(job));
                    if (consumer.isEmpty()) {
                        out.println("  no consumer " + naming.consumerFor(job));
                    } else {
                        JobStream.Consumer c = consumer.get();
                        out.println("  consumer " + c.name() + ": pending " + c.numPending() + ", ack pending " + c.numAckPending()
                                + ", redelivered " + c.numRedelivered() + ", delivered seq " + c.deliveredStreamSeq()
                                + ", ack floor " + c.ackFloorStreamSeq() + ", last delivery " + NatsCommand.ago(c.lastDelivered(), now));
                        out.println("  max_deliver " + c.maxDeliver() + ", ack_wait " + Durations.format(c.ackWait()) + " (policy: "
                                + inv.policy().maxDeliver() + ", " + Durations.format(inv.policy().ackWait()) + ")");
                        List<NatsAdmin.Advisory> advisories = admin.advisories().stream().filter(a -> a.stream().equals(streamName)).toList();
                        var fromState = JetStreamAnalysis.deadLetters(List.of(s), naming, Map.of());
                        if (!advisories.isEmpty()) {
                            dead = advisories.size();
                            deadDetail = Optional.of("stream seq " + advisories.stream().map(a -> a.streamSeq() + " after "
                                    + a.deliveries() + " deliveries").reduce((a, b) -> a + ", " + b).orElse(""));
                        } else if (!fromState.isEmpty()) {
                            dead = fromState.get(0).count();
                            deadDetail = Optional.of("first at stream seq " + (c.ackFloorStreamSeq() + 1) + ", from consumer state");
                        }
                        out.println("  dead letters: " + (dead == 0 ? "none" : dead + " (" + deadDetail.orElse("") + ")"));
                        progress = Optional.of(JobProgress.assess(s, c, Optional.empty(), now, Durations.parse(stall)));
                        out.println("  progress: " + progress.get().text());
                    }
                }
            } catch (IOException e) {
                out.println("  cannot read JetStream: " + e.getMessage());
            }

            out.println();
            out.println(parent.global.style().bold("Workers"));
            List<Host> workers = new ArrayList<>(inv.hostsWith(Role.WORKER));
            inv.hostsWith(Role.APP).forEach(h -> { if (!workers.contains(h)) workers.add(h); });
            List<CheckResult> checks = CheckRunner.run(new FleetChecks(f, Duration.ofSeconds(15)).checks(workers).stream()
                    .filter(c -> c.id().equals("env") || c.id().equals("reach")).toList(), Duration.ofSeconds(25));
            Map<String, List<String>> logs = logErrors(f, workers);
            List<TriageVerdict.WorkerFacts> facts = new ArrayList<>();
            for (Host h : workers) {
                Optional<String> env = problem(checks, h, "env");
                Optional<String> reach = problem(checks, h, "reach");
                out.println("  " + h.name() + ": " + message(checks, h, "env") + "; " + message(checks, h, "reach"));
                facts.add(new TriageVerdict.WorkerFacts(h.name(), env, reach, logs.getOrDefault(h.name(), List.of())));
            }

            out.println();
            out.println(parent.global.style().bold("Recent errors in container logs (last " + since + ")"));
            if (logs.values().stream().allMatch(List::isEmpty)) {
                out.println("  none");
            }
            logs.forEach((host, lines) -> lines.forEach(l -> out.println("  " + host + " " + l)));

            TriageVerdict.Verdict v = TriageVerdict.decide(new TriageVerdict.Facts(job, stream, consumer, dead, deadDetail, progress, facts));
            out.println();
            out.println(parent.global.style().bold("Verdict"));
            out.println("  " + (v.problem() ? parent.global.style().red("CAUSE: ") : parent.global.style().green("OK: ")) + v.cause());
            if (!v.fix().isEmpty()) {
                out.println("  " + parent.global.style().cyan("FIX:   ") + v.fix());
            }
            out.flush();
            return v.problem() ? ExitCodes.CHANGES : ExitCodes.OK;
        }
    }

    private static Optional<String> problem(List<CheckResult> checks, Host h, String id) {
        // Only a definite failure is a cause; "nothing running to check" is not a wrong NATS_URL.
        return checks.stream().filter(c -> c.host().equals(h.name()) && c.id().equals(id) && c.status() == Status.CRIT)
                .map(CheckResult::message).findFirst();
    }

    private static String message(List<CheckResult> checks, Host h, String id) {
        return checks.stream().filter(c -> c.host().equals(h.name()) && c.id().equals(id))
                .map(c -> c.status() + " " + c.message()).findFirst().orElse(id + ": not checked");
    }

    /** Per host: "container: Nx <message>" for the most frequent recent error lines of its app containers. */
    private Map<String, List<String>> logErrors(Fleet f, List<Host> hosts) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        List<Map.Entry<String, List<String>>> results = f.forEach(hosts, h -> {
            List<String> projects = new ArrayList<>();
            for (Role role : List.of(Role.APP, Role.WORKER)) {
                if (h.has(role)) {
                    f.inventory().deployment(role).map(Deployment::deployDir).map(ComposeProject::projectName).ifPresent(projects::add);
                }
            }
            StringBuilder script = new StringBuilder();
            for (String p : projects) {
                script.append("for c in $(docker ps -a --format '{{.Names}}' --filter label=com.docker.compose.project=")
                        .append(Shell.quote(p)).append("); do docker logs --since ").append(Shell.quote(since))
                        .append(" \"$c\" 2>&1 | grep -iE ").append(Shell.quote(ERROR_PATTERN))
                        .append(" | sed -E 's/^[0-9-]+[ T][0-9:.]+Z? *//' | sort | uniq -c | sort -rn | head -3 | sed \"s|^|$c |\"; done\n");
            }
            try {
                ExecResult r = f.remote(h).run(RemoteCommand.of("read recent errors", script.toString()), Duration.ofSeconds(30));
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
