package dev.infra.cli;

import dev.infra.diag.DiagnosticPrinter;
import dev.infra.diag.InvalidInputException;
import dev.infra.diag.Messages;
import dev.infra.diag.Style;
import dev.infra.lab.LabException;
import dev.infra.render.RenderException;
import dev.infra.ssh.SshException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * Users get a message that says what to do, and exit code 1 — never a stack trace. Usage errors
 * exit 1 too (picocli's default is 2, which infra reserves for "there are changes").
 */
final class ErrorHandling {
    private ErrorHandling() {}

    static void install(CommandLine cl) {
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine cmd = ex.getCommandLine();
            PrintWriter err = cmd.getErr();
            err.println("infra: " + ex.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
            err.println("Run '" + cmd.getCommandSpec().qualifiedName() + " --help' for usage.");
            return ExitCodes.ERROR;
        });
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            PrintWriter err = cmd.getErr();
            if (ex instanceof InvalidInputException invalid) {
                new DiagnosticPrinter(Style.detect(GlobalOptions.noColorRequested(parseResult)))
                        .print(invalid.diagnostics(), err);
            } else if (ex instanceof RenderException || ex instanceof UserError) {
                err.println("infra: " + ex.getMessage());
            } else if (ex instanceof SshException || ex instanceof LabException || ex instanceof IOException
                    || ex instanceof UncheckedIOException) {
                // Conditions of the world, not bugs: a host that refuses connections, a full disk, a missing directory.
                err.println("infra: " + Messages.of(ex));
            } else {
                err.println("infra: internal error: " + ex + " (run with INFRA_DEBUG=1 for details; please report it)");
                if (System.getenv("INFRA_DEBUG") != null) {
                    for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
                        err.println("caused by " + t);
                        for (StackTraceElement frame : t.getStackTrace()) {
                            err.println("\tat " + frame);
                        }
                    }
                }
            }
            err.flush();
            return ExitCodes.ERROR;
        });
    }
}
