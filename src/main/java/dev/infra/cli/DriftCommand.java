package dev.infra.cli;

import dev.infra.fleet.Fleet;
import dev.infra.inventory.Host;
import dev.infra.plan.Plan;
import dev.infra.view.DriftView;
import dev.infra.view.PlanJson;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "drift", mixinStandardHelpOptions = true,
        description = {"CI check: do the live hosts still match the inventory?",
                "Exit 0 when they do, 2 with a short per-host report when files, managed env keys or running",
                "containers differ (a container still running with an old environment counts), 1 on error."})
final class DriftCommand implements Callable<Integer> {
    @ParentCommand
    InfraCommand parent;

    @Spec
    CommandSpec spec;

    @Mixin
    FleetOptions fleet;

    @Option(names = "--json", description = "Report as JSON (the plan format, format_version " + Plan.FORMAT_VERSION + ").")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (Fleet f = fleet.openConnecting(parent.global)) {
            List<Host> hosts = fleet.hosts(f.inventory());
            Plan plan = f.plan(f.observe(hosts));
            if (json) {
                out.print(PlanJson.write(plan, Map.of("kind", "drift")));
            } else {
                new DriftView(parent.global.style()).render(plan, out);
            }
            out.flush();
            if (plan.hasErrors()) {
                return ExitCodes.ERROR;
            }
            return plan.summary().empty() ? ExitCodes.OK : ExitCodes.CHANGES;
        }
    }
}
