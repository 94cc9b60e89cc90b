package dev.infra.cli;

import dev.infra.fleet.Fleet;
import dev.infra.inventory.Host;
import dev.infra.inventory.Release;
import dev.infra.release.Releases;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
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

@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = {"Put hosts back on their previous app version.",
                "Each host goes back to the version before its current one (from its audit log), or all to --to VERSION;"
                        + " shown as a plan and applied in the same gated batches, with the same lock."})
final class RollbackCommand implements Callable<Integer> {
    @ParentCommand
    InfraCommand parent;

    @Spec
    CommandSpec spec;

    @Mixin
    FleetOptions fleet;

    @Option(names = "--to", paramLabel = "VERSION", description = "A tag, branch or commit to return every host to.")
    String to;

    @Mixin
    RolloutOptions rollout;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        rollout.check();
        if (to != null && !Release.validRef(to)) {
            throw new UserError("--to " + to + " is not a tag, branch or commit name (revision syntax such as ~, ^ or @{…} is not taken): "
                    + "e.g. --to v1.3.0 or --to 3f2c1ab");
        }
        try (Fleet f = fleet.open(parent.global)) {
            List<Host> hosts = fleet.hosts(f.inventory());
            List<Releases.HostHistory> histories = Releases.read(f, hosts);
            if (histories.isEmpty()) {
                throw new UserError("no deployment of the inventory is shipped from git, so there is no version to return to"
                        + " (deployments.<role>.source)");
            }
            Map<String, String> none = new LinkedHashMap<>();
            Map<String, String> refs = Releases.rollbackRefs(histories, Optional.ofNullable(to), none);
            none.forEach((host, why) -> out.println("Not rolled back: " + host + ": " + why));
            if (refs.isEmpty()) {
                return ExitCodes.ERROR;
            }
            f.rollbackTo(refs);
            List<Host> chosen = hosts.stream().filter(h -> refs.containsKey(h.name())).toList();
            return apply().applyWithLock(f, chosen, Optional.empty(), "infra rollback" + (to == null ? "" : " --to " + to)
                    + (fleet.limit == null ? "" : " --limit " + fleet.limit));
        }
    }

    /** Apply's path, with this command's options. */
    private ApplyCommand apply() {
        ApplyCommand a = new ApplyCommand();
        a.parent = parent;
        a.spec = spec;
        a.fleet = fleet;
        a.rollout = rollout;
        return a;
    }
}
