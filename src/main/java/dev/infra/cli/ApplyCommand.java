package dev.infra.cli;

import dev.infra.apply.Applier;
import dev.infra.apply.FleetLock;
import dev.infra.fleet.Fleet;
import dev.infra.fleet.Fleet.Observation;
import dev.infra.fleet.Who;
import dev.infra.inventory.Host;
import dev.infra.plan.Plan;
import dev.infra.plan.SavedPlan;
import dev.infra.view.PlanJson;
import dev.infra.view.PlanTextView;
import dev.infra.view.Progress;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "apply", mixinStandardHelpOptions = true,
        description = {"Make the hosts match the inventory, in gated batches.",
                "NATS first (until JetStream is healthy), then the other hosts in health-gated batches. Shows the plan and asks first, unless --yes or a saved PLANFILE."})
final class ApplyCommand implements Callable<Integer> {
    static final long MAX_PLAN_BYTES = 64L << 20;

    @ParentCommand
    InfraCommand parent;

    @Spec
    CommandSpec spec;

    @Mixin
    FleetOptions fleet;

    @Parameters(index = "0", arity = "0..1", paramLabel = "PLANFILE", description = "A plan saved by `infra plan --out`.")
    Path planFile;

    @Mixin
    RolloutOptions rollout;

    @Option(names = "--allow-data-loss",
            description = "Recreate NATS even when what its JetStream store holds cannot be read and carried over.")
    boolean allowDataLoss;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Optional<SavedPlan> saved = Optional.ofNullable(planFile).map(ApplyCommand::readPlan);
        if (saved.isPresent()) {
            String savedLimit = saved.get().limit();
            if (fleet.limit != null && !fleet.limit.equals(savedLimit)) {
                throw new UserError("--limit differs from the saved plan's (" + savedLimit + ")");
            }
            fleet.limit = savedLimit.isEmpty() ? null : savedLimit;
        }
        rollout.check();
        try (Fleet f = fleet.openConnecting(parent.global)) {
            return applyWithLock(f, fleet.hosts(f.inventory()), saved, "infra apply" + (fleet.limit == null ? "" : " --limit " + fleet.limit));
        }
    }

    /**
     * Lock first, as Terraform does: what is read, shown and confirmed is what is changed, with no
     * other apply in between. The one path every change takes (apply, rollback).
     */
    int applyWithLock(Fleet f, List<Host> hosts, Optional<SavedPlan> saved, String command) {
        Duration wait = OptionValues.duration("--lock-wait", rollout.lockWait);
        String who = Who.current();
        try {
            return FleetLock.holding(f, who, command, wait, () -> planConfirmApply(f, hosts, saved, who, command, spec.commandLine().getOut()));
        } catch (FleetLock.LockHeld e) {
            throw new UserError(e.getMessage());
        }
    }

    private int planConfirmApply(Fleet f, List<Host> hosts, Optional<SavedPlan> saved, String who, String command, PrintWriter out) {
        List<Observation> observations = f.observe(hosts);
        Plan plan = f.plan(observations);
        if (saved.isPresent()) {
            saved.get().staleness(plan, f.desiredHash(hosts, saved.get().desiredSalt())).ifPresent(why -> {
                throw new UserError(why);
            });
        }
        new PlanTextView(parent.global.style()).render(plan, out);
        if (plan.hasErrors()) {
            return ExitCodes.ERROR;
        }
        if (plan.summary().empty()) {
            return ExitCodes.OK;
        }
        if (saved.isEmpty() && !rollout.yes) {
            out.println();
            out.println("Do you want to perform these actions? Only 'yes' will be accepted to approve.");
            if (!Confirmation.ask(out, "  Enter a value: ")) {
                out.println("Apply cancelled.");
                return ExitCodes.ERROR;
            }
        }
        out.println();
        out.println("Applying (lock held at " + FleetLock.of(f).where() + ") …");
        out.flush();
        List<Applier.HostResult> results;
        try (Progress progress = parent.global.progress("apply", spec.commandLine().getErr())) {
            results = new Applier(f, out, new Applier.Options(rollout.batch, rollout.maxFail, who, command, allowDataLoss)).withProgress(progress)
                    .apply(plan, observations);
            progress.finish(results.size() + " host(s) applied, " + results.stream().filter(r -> !r.ok()).count() + " failed");
        }
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

    private static SavedPlan readPlan(Path file) {
        try {
            if (!Files.isRegularFile(file)) {
                throw new UserError("the plan " + file + " is not a regular file: name a file written by `infra plan --out`");
            }
            if (Files.size(file) > MAX_PLAN_BYTES) {
                throw new UserError("the plan " + file + " has " + Files.size(file) + " bytes, more than any plan infra writes ("
                        + MAX_PLAN_BYTES + "): name a file written by `infra plan --out`");
            }
            return PlanJson.readSaved(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UserError("cannot read the plan " + file + ": " + e.getMessage());
        }
    }
}
