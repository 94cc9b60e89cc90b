package dev.infra.cli;

import dev.infra.fleet.Fleet;
import dev.infra.inventory.Host;
import dev.infra.plan.Plan;
import dev.infra.plan.PlanJson;
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
        description = {"The CI check: do the live hosts still match the inventory?",
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
        try (Fleet f = fleet.open(parent.global)) {
            List<Host> hosts = fleet.hosts(f.inventory());
            Plan plan = f.plan(f.observe(hosts));
            if (json) {
                out.print(PlanJson.write(plan, Map.of("kind", "drift")));
            } else {
                report(plan, out);
            }
            out.flush();
            if (plan.hasErrors()) {
                return ExitCodes.ERROR;
            }
            return plan.summary().empty() ? ExitCodes.OK : ExitCodes.CHANGES;
        }
    }

    private void report(Plan plan, PrintWriter out) {
        var style = parent.global.style();
        int drifted = 0;
        for (Plan.HostPlan h : plan.hosts()) {
            if (h.error().isPresent()) {
                out.println(style.red("ERROR ") + h.host() + ": " + h.error().get());
                continue;
            }
            if (!h.hasChanges()) {
                continue;
            }
            drifted++;
            out.println(style.yellow("DRIFT ") + h.host());
            for (Plan.FileChange file : h.files()) {
                if (file.isEnv()) {
                    file.env().forEach(e -> out.println("  env " + file.path() + ": " + e.key()
                            + (e.before().isEmpty() ? " missing" : " is " + e.before().get()) + ", want " + e.after()));
                } else {
                    out.println("  file " + file.path() + (file.action() == dev.infra.plan.Action.CREATE ? " missing" : " differs")
                            + " (" + changedLines(file.diff()) + " lines)");
                }
            }
            h.services().forEach(s -> out.println("  service " + s.project() + "/" + s.service() + ": " + s.reason()));
        }
        if (drifted == 0 && !plan.hasErrors()) {
            out.println(style.green("OK") + " no drift: " + plan.hosts().size() + " host(s) match the inventory.");
        } else if (drifted > 0) {
            out.println(drifted + " host(s) drifted. `infra plan` shows the details; `infra apply` puts them back.");
        }
    }

    private static long changedLines(String diff) {
        return diff.lines().filter(l -> (l.startsWith("+") && !l.startsWith("+++")) || (l.startsWith("-") && !l.startsWith("---"))).count();
    }
}
