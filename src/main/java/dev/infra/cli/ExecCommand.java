package dev.infra.cli;

import dev.infra.apply.Batches;
import dev.infra.apply.HostCommands;
import dev.infra.fleet.Fleet;
import dev.infra.inventory.Host;
import dev.infra.ssh.ExecResult;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "exec", mixinStandardHelpOptions = true,
        description = {"Run a shell command on a group of hosts.",
                "Like an Ansible ad-hoc command, each bounded by --timeout, in batches. Output is prefixed with the host. Exit 1 if it failed anywhere."})
final class ExecCommand implements Callable<Integer> {
    @ParentCommand
    InfraCommand parent;

    @Spec
    CommandSpec spec;

    @Mixin
    FleetOptions fleet;

    @Option(names = "--timeout", defaultValue = "60s", paramLabel = "DURATION", description = "Per host (default: ${DEFAULT-VALUE}).")
    String timeout;

    @Option(names = "--batch", paramLabel = "N|P%", description = "Hosts at a time (default: --parallel).")
    String batch;

    @Parameters(paramLabel = "COMMAND", arity = "1..*", description = "The command (one shell string, or words joined by spaces).")
    List<String> command;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Duration bound = OptionValues.duration("--timeout", timeout);
        String script = String.join(" ", command);
        try (Fleet f = fleet.openConnecting(parent.global)) {
            List<Host> hosts = fleet.hosts(f.inventory());
            int failed = 0;
            for (List<Host> group : Batches.split(hosts, batch)) {
                List<String> reports = f.forEach(group, h -> {
                    try {
                        ExecResult r = f.remote(h).run(HostCommands.operator(script), bound);
                        StringBuilder b = new StringBuilder();
                        (r.stdout() + r.stderr()).lines().forEach(l -> b.append(h.name()).append(": ").append(l).append('\n'));
                        b.append(h.name()).append(r.ok() ? ": OK" : ": FAILED (" + (r.exitCode() == ExecResult.TIMED_OUT
                                ? "timed out after " + timeout : "exit " + r.exitCode()) + ")").append('\n');
                        return b.toString();
                    } catch (RuntimeException e) {
                        return h.name() + ": FAILED (" + e.getMessage() + ")\n";
                    }
                });
                for (String r : reports) {
                    out.print(r);
                    if (r.contains(": FAILED")) {
                        failed++;
                    }
                }
                out.flush();
            }
            return failed == 0 ? ExitCodes.OK : ExitCodes.ERROR;
        }
    }
}
