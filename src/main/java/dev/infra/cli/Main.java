package dev.infra.cli;

import picocli.CommandLine;

/** Entry point: builds the command tree and turns every failure into a message and an exit code. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        return commandLine().execute(args);
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new InfraCommand());
        ErrorHandling.install(cl);
        return cl;
    }
}
