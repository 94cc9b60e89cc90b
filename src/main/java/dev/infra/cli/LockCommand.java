package dev.infra.cli;

import dev.infra.apply.FleetLock;
import dev.infra.fleet.Fleet;
import dev.infra.view.JsonViews;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "lock", mixinStandardHelpOptions = true, description = "The fleet lock that keeps applies one at a time.",
        subcommands = {LockCommand.Status.class, LockCommand.Release.class})
final class LockCommand extends CommandGroup {
    Fleet fleet() {
        return FleetOptions.open(parent.global, 1);
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Who holds the lock, since when, for what.")
    static final class Status implements Callable<Integer> {
        @ParentCommand
        LockCommand lock;

        @Option(names = "--json", description = "Print JSON (format_version 1.0; schemas/lock-status-1.0.schema.json).")
        boolean json;

        @Override
        public Integer call() {
            PrintWriter out = lock.spec.commandLine().getOut();
            try (Fleet f = lock.fleet()) {
                FleetLock l = FleetLock.of(f);
                if (json) {
                    out.print(JsonViews.lock(l.where(), l.status()));
                    out.flush();
                    return ExitCodes.OK;
                }
                out.println(l.status().map(s -> "Locked (" + l.where() + "): " + s).orElse("Not locked (" + l.where() + ")."));
                return ExitCodes.OK;
            }
        }
    }

    @Command(name = "release", mixinStandardHelpOptions = true, description = "Remove the lock (when the run that took it is gone).")
    static final class Release implements Callable<Integer> {
        @ParentCommand
        LockCommand lock;

        @Override
        public Integer call() {
            PrintWriter out = lock.spec.commandLine().getOut();
            try (Fleet f = lock.fleet()) {
                FleetLock l = FleetLock.of(f);
                String was = l.status().orElse(null);
                l.breakLock();
                out.println(was == null ? "Not locked." : "Released the lock held by " + was);
                return ExitCodes.OK;
            }
        }
    }
}
