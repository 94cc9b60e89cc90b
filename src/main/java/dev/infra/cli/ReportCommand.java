package dev.infra.cli;

import dev.infra.diag.Messages;
import dev.infra.fleet.Fleet;
import dev.infra.report.FleetReport;
import dev.infra.report.Graphviz;
import dev.infra.report.ReportGatherer;
import dev.infra.report.Topology;
import dev.infra.units.LocalFiles;
import dev.infra.view.ReportHtml;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Write the fleet at a glance as one HTML page.",
                "The topology drawn by Graphviz (SSH paths through the jump host, each worker's path to NATS, coloured by",
                "verify's status), every host's services, failing checks with their fixes, drift and last apply, NATS health",
                "and the job streams with their progress. Self-contained: nothing is fetched when it is opened.",
                "Reads within --timeout; what could not be read is named in the page."})
final class ReportCommand implements Callable<Integer> {
    @ParentCommand
    InfraCommand parent;

    @Spec
    CommandSpec spec;

    @Mixin
    FleetOptions fleet;

    @Option(names = {"-o", "--out"}, defaultValue = "fleet.html", paramLabel = "FILE", description = "Where to write it (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--open", description = "Open it in the desktop's browser afterwards (xdg-open).")
    boolean open;

    @Option(names = "--timeout", defaultValue = "20s", paramLabel = "DURATION",
            description = "Bound for reading the fleet, as verify's (default: ${DEFAULT-VALUE}).")
    String timeout;

    @Override
    public Integer call() {
        Duration bound = OptionValues.duration("--timeout", timeout);
        PrintWriter w = spec.commandLine().getOut();
        try (Fleet f = fleet.openConnecting(parent.global)) {
            FleetReport report = ReportGatherer.gather(f, fleet.hosts(f.inventory()), bound);
            Graphviz.Drawing drawing = Graphviz.svg(Topology.dot(report), Duration.ofSeconds(30));
            Path dir = out.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            LocalFiles.writeAtomically(out, ReportHtml.render(report, drawing));
            long failing = report.hosts().stream().mapToLong(h -> h.failing().size()).sum();
            w.println("Wrote " + out + ": " + report.hosts().size() + " host(s), " + report.status() + " (" + failing + " failing check(s)), "
                    + report.nats().jobs().size() + " job stream(s).");
            report.unread().forEach(u -> w.println("  not read: " + u));
            if (!drawing.drawn()) {
                w.println("  " + drawing.missing());
            }
            w.flush();
            if (open) {
                openInBrowser(w);
            }
            return ExitCodes.OK;
        } catch (IOException e) {
            throw new UserError("cannot write " + out + ": " + Messages.of(e));
        }
    }

    private void openInBrowser(PrintWriter w) {
        try {
            new ProcessBuilder("xdg-open", out.toAbsolutePath().toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            w.println("Could not open a browser here (xdg-open: " + e.getMessage() + "); open " + out.toAbsolutePath() + " yourself.");
        }
    }
}
