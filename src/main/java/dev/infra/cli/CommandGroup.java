package dev.infra.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** A command that only groups subcommands (`infra nats`, `lock`, `slurm`, `lab`): alone, it prints its usage. */
abstract class CommandGroup implements Runnable {
    @ParentCommand
    InfraCommand parent;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
