package dev.infra.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.infra.apply.Applier;
import dev.infra.apply.FleetLock;
import dev.infra.fleet.Fleet;
import dev.infra.fleet.Fleet.Observation;
import dev.infra.inventory.Host;
import dev.infra.inventory.Inventory;
import dev.infra.inventory.Role;
import dev.infra.plan.Plan;
import dev.infra.plan.PlanJson;
import dev.infra.plan.PlanTextView;
import dev.infra.units.Durations;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "apply", mixinStandardHelpOptions = true,
        description = {"Make the hosts match the inventory: NATS first (until JetStream is healthy), then the other",
                "hosts in health-gated batches. Shows the plan and asks first, unless --yes or a saved PLANFILE."})
final class ApplyCommand implements Callable<Integer> {
    @ParentCommand
    InfraCommand parent;

    @Spec
    CommandSpec spec;

    @Mixin
    FleetOptions fleet;

    @Parameters(index = "0", arity = "0..1", paramLabel = "PLANFILE", description = "A plan saved by `infra plan --out`.")
    Path planFile;

    @Option(names = "--batch", paramLabel = "N|P%", description = "Hosts per rolling batch after NATS (default: all at once).")
    String batch;

    @Option(names = "--max-fail", defaultValue = "0", paramLabel = "N",
            description = "Failed hosts tolerated before the rollout stops (default: ${DEFAULT-VALUE}).")
    int maxFail;

    @Option(names = {"-y", "--yes"}, description = "Do not ask for confirmation.")
    boolean yes;

    @Option(names = "--lock-wait", defaultValue = "0s", paramLabel = "DURATION",
            description = "Wait this long for another apply's lock (default: ${DEFAULT-VALUE}).")
    String lockWait;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        JsonNode saved = planFile == null ? null : readPlan(planFile);
        if (saved != null) {
            if (fleet.limit != null && !fleet.limit.equals(saved.path("limit").asText())) {
                throw new UserError("--limit differs from the saved plan's (" + saved.path("limit").asText() + ")");
            }
            fleet.limit = saved.path("limit").asText().isEmpty() ? null : saved.path("limit").asText();
        }
        Duration wait;
        try {
            wait = Durations.parse(lockWait);
        } catch (IllegalArgumentException e) {
            throw new UserError("--lock-wait: " + e.getMessage());
        }
        try (Fleet f = fleet.open(parent.global)) {
            List<Host> hosts = fleet.hosts(f.inventory());
            // Lock first, as Terraform does: what is read, shown and confirmed is what is changed,
            // with no other apply in between.
            String who = System.getProperty("user.name") + "@" + localHostName();
            String command = "infra apply" + (fleet.limit == null ? "" : " --limit " + fleet.limit);
            FleetLock lock = FleetLock.of(f);
            try {
                lock.acquire(FleetLock.info(who, command), wait);
            } catch (FleetLock.LockHeld e) {
                throw new UserError(e.getMessage());
            }
            try {
                return planConfirmApply(f, hosts, saved, lock, who, command, out);
            } finally {
                lock.release();
            }
        }
    }

    private int planConfirmApply(Fleet f, List<Host> hosts, JsonNode saved, FleetLock lock, String who, String command,
                                 PrintWriter out) throws IOException {
        List<Observation> observations = f.observe(hosts);
        Plan plan = f.plan(observations);
        if (saved != null) {
            refuseIfStale(saved, plan, FleetOptions.desiredHash(f, hosts));
        }
        new PlanTextView(parent.global.style()).render(plan, out);
        if (plan.hasErrors()) {
            return ExitCodes.ERROR;
        }
        if (plan.summary().empty()) {
            return ExitCodes.OK;
        }
        if (saved == null && !yes && !confirmed(out)) {
            out.println("Apply cancelled.");
            return ExitCodes.ERROR;
        }
        out.println();
        out.println("Applying (lock held at " + lock.where() + ") …");
        out.flush();
        List<Applier.HostResult> results = new Applier(f, out, new Applier.Options(batch, maxFail, who, command)).apply(plan, observations);
        List<Applier.HostResult> failed = results.stream().filter(r -> !r.ok()).toList();
        out.println();
        if (failed.isEmpty()) {
            Plan.Summary s = plan.summary();
            out.println(parent.global.style().green("Apply complete!") + " Resources: " + s.add() + " added, "
                    + s.change() + " changed, " + s.remove() + " removed.");
            return ExitCodes.OK;
        }
        out.println(parent.global.style().red("Apply failed") + " on " + failed.size() + " host(s):");
        failed.forEach(r -> out.println("  " + r.host() + ": " + r.detail()));
        out.println("Fix the cause and run `infra apply` again: it picks up from what the hosts have now.");
        return ExitCodes.ERROR;
    }

    private JsonNode readPlan(Path file) {
        try {
            JsonNode root = PlanJson.readTree(Files.readString(file, StandardCharsets.UTF_8));
            if (!Plan.FORMAT_VERSION.equals(root.path("format_version").asText())) {
                throw new UserError(file + " is not a plan this version of infra can apply (format_version "
                        + root.path("format_version").asText() + ", expected " + Plan.FORMAT_VERSION + ")");
            }
            return root;
        } catch (IOException e) {
            throw new UserError("cannot read the plan " + file + ": " + e.getMessage());
        }
    }

    private static void refuseIfStale(JsonNode saved, Plan now, String desiredHash) {
        if (!desiredHash.equals(saved.path("desired_sha256").asText())) {
            throw new UserError("the saved plan is stale: the inventory or templates changed since it was made ("
                    + saved.path("created_at").asText() + "). Run `infra plan --out FILE` again.");
        }
        Map<String, String> then = PlanJson.read(saved).fingerprints();
        for (Map.Entry<String, String> e : now.fingerprints().entrySet()) {
            if (!Objects.equals(then.get(e.getKey()), e.getValue())) {
                throw new UserError("the saved plan is stale: " + e.getKey() + " changed since it was planned ("
                        + saved.path("created_at").asText() + "). Nothing was applied. Run `infra plan --out FILE` again.");
            }
        }
        if (!then.keySet().equals(now.fingerprints().keySet())) {
            throw new UserError("the saved plan is stale: it covers other hosts (" + then.keySet() + ")");
        }
    }

    private boolean confirmed(PrintWriter out) throws IOException {
        out.println();
        out.println("Do you want to perform these actions? Only 'yes' will be accepted to approve.");
        out.print("  Enter a value: ");
        out.flush();
        String answer = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        return "yes".equals(answer == null ? null : answer.strip());
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
