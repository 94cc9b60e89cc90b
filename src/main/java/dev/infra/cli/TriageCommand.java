package dev.infra.cli;

import dev.infra.fleet.Fleet;
import dev.infra.triage.Triage;
import dev.infra.triage.TriageReport;
import dev.infra.view.JsonViews;
import dev.infra.view.TriageView;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "triage", mixinStandardHelpOptions = true,
        description = {"Find why a job hangs, and the command that fixes it.",
                "The operators' manual triage of a hung job in one command: its stream and consumer, dead letters,",
                "stall, every worker's live NATS_URL and reach to NATS, recent errors in the containers' logs — and a verdict",
                "naming the likely cause and the command that fixes it. Exit 0 when the job looks fine, 2 when a cause was found."})
final class TriageCommand implements Callable<Integer> {
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

    @Option(names = "--json", description = "Print JSON (format_version 1.0; schemas/triage-1.0.schema.json).")
    boolean json;

    @Override
    public Integer call() {
        Duration stallAfter = OptionValues.duration("--stall", stall);
        try (Fleet f = FleetOptions.open(parent.global, 8)) {
            TriageReport report = Triage.run(f, job, since, stallAfter);
            if (json) {
                spec.commandLine().getOut().print(JsonViews.triage(report));
                spec.commandLine().getOut().flush();
            } else {
                TriageView.render(report, parent.global.style(), spec.commandLine().getOut());
            }
            return report.verdict().problem() ? ExitCodes.CHANGES : ExitCodes.OK;
        }
    }
}
