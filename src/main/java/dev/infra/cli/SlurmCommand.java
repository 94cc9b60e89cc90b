package dev.infra.cli;

import dev.infra.apply.FleetLock;
import dev.infra.fleet.Fleet;
import dev.infra.fleet.Who;
import dev.infra.inventory.Host;
import dev.infra.inventory.SlurmCluster;
import dev.infra.observe.SlurmQueue;
import dev.infra.slurm.SlurmCommands;
import dev.infra.slurm.SlurmJob;
import dev.infra.slurm.SlurmStatus;
import dev.infra.ssh.ExecResult;
import dev.infra.view.SlurmViews;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "slurm", mixinStandardHelpOptions = true,
        description = {"The worker jobs infra keeps on SLURM clusters.",
                "Clusters are the inventory's slurm: entries, reached through each login host."},
        subcommands = {SlurmCommand.Status.class, SlurmCommand.Logs.class, SlurmCommand.Cancel.class})
final class SlurmCommand extends CommandGroup {
    private static final Duration STEP = Duration.ofMinutes(1);

    /** The login hosts to work on: the one named, else every one of the inventory. */
    static List<Host> logins(Fleet f, String name) {
        List<Host> all = f.inventory().hosts().values().stream().filter(h -> f.desired(h.name()).duties().slurm().isPresent()).toList();
        if (all.isEmpty()) {
            throw new UserError("the inventory declares no SLURM cluster (slurm: with a login host of role slurm)");
        }
        if (name == null) {
            return all;
        }
        return List.of(all.stream().filter(h -> h.name().equals(name)).findFirst().orElseThrow(() -> new UserError("--host "
                + name + " is not a SLURM login host; they are: " + String.join(", ", all.stream().map(Host::name).toList()))));
    }

    static SlurmCluster cluster(Fleet f, Host h) {
        return f.desired(h.name()).duties().slurm().orElseThrow();
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = {"Each of infra's jobs: state, time left, last output.", "Then the recent endings."})
    static final class Status implements Callable<Integer> {
        @ParentCommand
        SlurmCommand slurm;

        @Option(names = "--host", paramLabel = "LOGIN", description = "Only this login host.")
        String host;

        @Override
        public Integer call() {
            PrintWriter out = slurm.spec.commandLine().getOut();
            try (Fleet f = FleetOptions.open(slurm.parent.global, 4)) {
                for (Host h : logins(f, host)) {
                    ExecResult r = f.remote(h).run(SlurmCommands.status(cluster(f, h), SlurmCluster.RECENT_HOURS), STEP);
                    if (!r.ok()) {
                        throw new UserError("reading the SLURM jobs on " + h.name() + " failed: " + r.reason());
                    }
                    SlurmViews.status(h.name(), SlurmStatus.parse(r.stdout()), out);
                }
                return ExitCodes.OK;
            }
        }
    }

    @Command(name = "logs", mixinStandardHelpOptions = true, description = "The last lines of a job's log.")
    static final class Logs implements Callable<Integer> {
        @ParentCommand
        SlurmCommand slurm;

        @Parameters(paramLabel = "JOB", description = "The job id.")
        String job;

        @Option(names = "--lines", paramLabel = "N", description = "How many lines (default 50).")
        int lines = 50;

        @Option(names = "--host", paramLabel = "LOGIN", description = "The login host (needed only when there are several).")
        String host;

        @Override
        public Integer call() {
            if (!job.matches("\\d+")) {
                throw new UserError("JOB is a job id (digits), not '" + job + "'");
            }
            if (lines < 1 || lines > 100_000) {
                throw new UserError("--lines must be between 1 and 100000, not " + lines);
            }
            PrintWriter out = slurm.spec.commandLine().getOut();
            try (Fleet f = FleetOptions.open(slurm.parent.global, 4)) {
                for (Host h : logins(f, host)) {
                    ExecResult r = f.remote(h).run(SlurmCommands.logs(cluster(f, h), job, lines), STEP);
                    if (r.ok()) {
                        out.print(r.stdout());
                        out.flush();
                        return ExitCodes.OK;
                    }
                }
                throw new UserError("no log of job " + job + " under infra's log directory on " + String.join(", ",
                        logins(f, host).stream().map(Host::name).toList()) + " (infra keeps only its own jobs' logs there)");
            }
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true,
            description = {"Cancel infra's jobs (never anyone else's).",
                    "Under the fleet lock; apply submits replacements while the group wants them."})
    static final class Cancel implements Callable<Integer> {
        @ParentCommand
        SlurmCommand slurm;

        @Parameters(paramLabel = "JOB", arity = "1..*", description = "Job ids.")
        List<String> jobs;

        @Option(names = "--host", paramLabel = "LOGIN", description = "The login host (needed only when there are several).")
        String host;

        @Option(names = "--yes", description = "Do not ask.")
        boolean yes;

        @Override
        public Integer call() {
            jobs.stream().filter(j -> !j.matches("\\d+")).findFirst().ifPresent(j -> {
                throw new UserError("JOB is a job id (digits), not '" + j + "'");
            });
            PrintWriter out = slurm.spec.commandLine().getOut();
            try (Fleet f = FleetOptions.open(slurm.parent.global, 4)) {
                List<Host> hosts = logins(f, host);
                if (hosts.size() > 1) {
                    throw new UserError("there are several SLURM login hosts: name one with --host");
                }
                Host h = hosts.get(0);
                ExecResult q = f.remote(h).run(SlurmCommands.queue(), STEP);
                SlurmQueue queue = SlurmQueue.of(q.stdout() + q.stderr(), q.exitCode());
                if (queue.error().isPresent()) {
                    throw new UserError("cannot list the jobs on " + h.name() + ": " + queue.error().get());
                }
                List<SlurmJob> queued = queue.jobs();
                for (String j : jobs) {
                    if (queued.stream().noneMatch(x -> x.id().equals(j) && x.infras())) {
                        throw new UserError("job " + j + " is not one of infra's queued jobs on " + h.name() + "; infra cancels only its own");
                    }
                }
                if (!yes) {
                    out.println("Cancel " + String.join(", ", jobs) + " on " + h.name() + "? Only 'yes' will be accepted to approve.");
                    if (!Confirmation.ask(out, "  Enter a value: ")) {
                        out.println("Nothing cancelled.");
                        return ExitCodes.ERROR;
                    }
                }
                String command = "infra slurm cancel " + String.join(" ", jobs);
                ExecResult r = FleetLock.holding(f, Who.current(), command, Duration.ZERO,
                        () -> f.remote(h).run(SlurmCommands.cancel(jobs), STEP));
                if (!r.ok()) {
                    throw new UserError("scancel failed: " + r.reason());
                }
                out.println("Cancelled " + String.join(", ", jobs) + " on " + h.name() + ".");
                return ExitCodes.OK;
            } catch (FleetLock.LockHeld e) {
                throw new UserError(e.getMessage());
            }
        }
    }
}
