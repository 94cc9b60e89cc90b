package dev.infra.cli;

import dev.infra.fleet.Fleet;
import dev.infra.release.Releases;
import dev.infra.view.ReleaseViews;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "releases", mixinStandardHelpOptions = true,
        description = {"Show each host's current and previous app versions.",
                "From the audit log on each host: every apply that moved a checkout recorded where from and where to."})
final class ReleasesCommand implements Callable<Integer> {
    @ParentCommand
    InfraCommand parent;

    @Spec
    CommandSpec spec;

    @Mixin
    FleetOptions fleet;

    @Override
    public Integer call() {
        try (Fleet f = fleet.open(parent.global)) {
            List<Releases.HostHistory> histories = Releases.read(f, fleet.hosts(f.inventory()));
            if (histories.isEmpty()) {
                spec.commandLine().getOut().println("No deployment of the inventory is shipped from git (deployments.<role>.source).");
                return ExitCodes.OK;
            }
            ReleaseViews.history(histories, spec.commandLine().getOut());
            return histories.stream().anyMatch(h -> h.error().isPresent()) ? ExitCodes.ERROR : ExitCodes.OK;
        }
    }
}
