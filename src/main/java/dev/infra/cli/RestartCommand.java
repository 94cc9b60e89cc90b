package dev.infra.cli;

import dev.infra.apply.Applier;
import dev.infra.apply.Batches;
import dev.infra.apply.FleetLock;
import dev.infra.fleet.Fleet;
import dev.infra.fleet.Who;
import dev.infra.inventory.Host;
import dev.infra.plan.Action;
import dev.infra.plan.Plan;
import dev.infra.plan.Reason;
import dev.infra.render.ComposeProject;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "restart", mixinStandardHelpOptions = true,
        description = {"Recreate services host by host, each batch gated.",
                "A rolling restart: recreate the services of the chosen hosts one batch at a time, each host gated on",
                "its services running and its reach to NATS before the next batch (NATS hosts first). Audited like apply."})
final class RestartCommand implements Callable<Integer> {
    @ParentCommand
    InfraCommand parent;

    @Spec
    CommandSpec spec;

    @Mixin
    FleetOptions fleet;

    @Option(names = "--batch", defaultValue = "1", paramLabel = "N|P%", description = "Hosts per batch (default: ${DEFAULT-VALUE}).")
    String batch;

    @Option(names = "--service", paramLabel = "NAME", description = "Only these compose services (repeatable; default: all that run).")
    List<String> services;

    @Option(names = "--max-fail", defaultValue = "0", paramLabel = "N", description = "Failed hosts tolerated (default: ${DEFAULT-VALUE}).")
    int maxFail;

    @Override
    public Integer call() {
        try {
            Batches.check(batch);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        try (Fleet f = fleet.open(parent.global)) {
            List<Host> hosts = fleet.hosts(f.inventory());
            List<Plan.HostPlan> plans = new ArrayList<>();
            for (Host h : hosts) {
                List<Plan.ServiceChange> changes = new ArrayList<>();
                for (ComposeProject p : f.desired(h.name()).projects()) {
                    for (ComposeProject.Service s : p.running()) {
                        if (services == null || services.contains(s.name())) {
                            changes.add(new Plan.ServiceChange(p.name(), s.name(), Action.REPLACE, Reason.ROLLING_RESTART, "rolling restart"));
                        }
                    }
                }
                if (!changes.isEmpty()) {
                    plans.add(new Plan.HostPlan(h.name(), h.roles().stream().map(r -> r.id()).toList(), h.reachedHow(),
                            List.of(), changes, Optional.empty()));
                }
            }
            if (plans.isEmpty()) {
                out.println("Nothing to restart.");
                return ExitCodes.OK;
            }
            List<Host> chosen = hosts.stream().filter(h -> plans.stream().anyMatch(p -> p.host().equals(h.name()))).toList();
            var observations = f.observe(chosen);
            var unreadable = observations.stream().filter(o -> o.state().isEmpty()).toList();
            if (!unreadable.isEmpty()) {
                unreadable.forEach(o -> out.println("Error: " + o.error().orElse(o.host().name())));
                return ExitCodes.ERROR;
            }
            // A restart recreates containers: a NATS whose JetStream is not on its volume would come back empty.
            for (var o : observations) {
                f.misplacedStore(o.host(), o.state().orElseThrow()).ifPresent(store -> {
                    throw new UserError("JetStream on " + o.host().name() + " keeps its data in " + store.liveStoreDir() + " inside "
                            + store.container() + ": a restart would lose it. Run `infra apply --limit " + o.host().name()
                            + "` first (it moves the store onto the volume, keeping the data).");
                });
            }
            String who = Who.current();
            String command = "infra restart" + (fleet.limit == null ? "" : " --limit " + fleet.limit) + " --batch " + batch;
            Plan plan = new Plan(Plan.FORMAT_VERSION, f.inventory().file().toString(), Instant.now().toString(), plans, Map.of());
            List<Applier.HostResult> results = FleetLock.holding(f, who, command, Duration.ZERO,
                    () -> new Applier(f, out, new Applier.Options(batch, maxFail, who, command)).apply(plan, observations));
            long failed = results.stream().filter(r -> !r.ok()).count();
            out.println(failed == 0 ? "Restarted " + results.size() + " host(s), each healthy before the next."
                    : "Restart failed on " + failed + " host(s).");
            return failed == 0 ? ExitCodes.OK : ExitCodes.ERROR;
        } catch (FleetLock.LockHeld e) {
            throw new UserError(e.getMessage());
        }
    }
}
