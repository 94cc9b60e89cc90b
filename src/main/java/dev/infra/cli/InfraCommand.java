package dev.infra.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "infra",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
                "A small production fleet (bastion, NATS JetStream, app and worker hosts) as code.",
                "",
                "The inventory declares the fleet; infra renders every host's files from templates/."},
        subcommands = {
                ValidateCommand.class,
                HostsCommand.class,
                RenderCommand.class,
                PlanCommand.class,
                ApplyCommand.class,
                ReleasesCommand.class,
                RollbackCommand.class,
                DriftCommand.class,
                VerifyCommand.class,
                NatsCommand.class,
                TriageCommand.class,
                ReportCommand.class,
                TunnelCommand.class,
                SlurmCommand.class,
                OnboardCommand.class,
                ImportCommand.class,
                RestartCommand.class,
                ExecCommand.class,
                RunCommand.class,
                LockCommand.class,
                LabCommand.class,
                AutoComplete.GenerateCompletion.class},
        footer = {"", "Exit codes: 0 success, 1 error (2 only where a flag such as --detailed-exitcode asks)."})
public final class InfraCommand implements Runnable {
    @Mixin
    GlobalOptions global;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
