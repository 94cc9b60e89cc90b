package dev.infra.testing;

import dev.infra.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** Runs the real command tree in-process and captures what a user would see. */
public final class Cli {
    private Cli() {}

    public record Result(int exitCode, String out, String err) {
        public String all() {
            return out + err;
        }
    }

    public static Result run(String... args) {
        CommandLine cl = Main.commandLine(args);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    /**
     * Starts infra as its own JVM (the test classpath, the repository as working directory), output to
     * {@code log}: for what only a separate process shows — signals, a kill mid-run, two runs at once.
     */
    public static Process spawn(Path log, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.infra.cli.Main"));
        cmd.addAll(args);
        try {
            return new ProcessBuilder(cmd).directory(repo().toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The repository root (Maven sets infra.repo; IDEs run from the root). */
    public static Path repo() {
        return Path.of(System.getProperty("infra.repo", ".")).toAbsolutePath().normalize();
    }

    public static String templates() {
        return repo().resolve("templates").toString();
    }

    public static String inventory(String name) {
        return repo().resolve("inventory").resolve(name).toString();
    }
}
