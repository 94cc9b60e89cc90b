package dev.infra.cli;

import dev.infra.fleet.Fleet;
import dev.infra.inventory.Host;
import dev.infra.verify.Check;
import dev.infra.verify.CheckResult;
import dev.infra.verify.CheckRunner;
import dev.infra.verify.FleetChecks;
import dev.infra.verify.VerifyReport;
import dev.infra.view.Progress;
import dev.infra.view.VerifyViews;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Prove the live fleet works; each failure with its fix.",
                "Checks SSH, services, the containers' live NATS_URL, each worker's reach",
                "to NATS, JetStream health and storage, stale streams, dead letters, processing services.",
                "Every check runs in parallel under its own timeout. Exit as `nats server check`: 0 OK, 1 WARN, 2 CRIT, 3 UNKNOWN."})
final class VerifyCommand implements Callable<Integer> {
    @ParentCommand
    InfraCommand parent;

    @Spec
    CommandSpec spec;

    @Mixin
    FleetOptions fleet;

    @Option(names = "--format", defaultValue = "text", paramLabel = "text|json|nagios",
            description = "Output: text (default), json (schemas/verify-1.0.schema.json), nagios (one line per check).")
    String format;

    @Option(names = "--timeout", defaultValue = "20s", paramLabel = "DURATION",
            description = "Bound for each check and for the whole run (default: ${DEFAULT-VALUE}).")
    String timeout;

    @Override
    public Integer call() {
        if (!List.of("text", "json", "nagios").contains(format)) {
            throw new UserError("--format must be text, json or nagios, not '" + format + "'");
        }
        Duration bound = OptionValues.duration("--timeout", timeout);
        PrintWriter out = spec.commandLine().getOut();
        long start = System.nanoTime();
        try (Fleet f = fleet.openConnecting(parent.global)) {
            List<Host> hosts = fleet.hosts(f.inventory());
            List<Check> checks = new FleetChecks(f, bound).checks(hosts);
            List<CheckResult> results;
            try (Progress progress = parent.global.progress("verify", spec.commandLine().getErr())) {
                results = CheckRunner.run(checks, bound.plusSeconds(5),
                        done -> progress.update(done + "/" + checks.size() + " checks done on " + hosts.size() + " host(s)"));
                progress.finish(checks.size() + " checks done");
            }
            VerifyReport report = new VerifyReport(f.inventory().file().toString(), results, Duration.ofNanos(System.nanoTime() - start));
            switch (format) {
                case "json" -> out.print(VerifyViews.json(report));
                case "nagios" -> VerifyViews.nagios(report, out);
                default -> VerifyViews.text(report, out, parent.global.style());
            }
            out.flush();
            return report.status().exitCode();
        }
    }
}
