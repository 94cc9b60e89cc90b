package dev.infra.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs a script with this machine's real sh, as a host's shell runs what infra sends it. */
public final class LocalSh {
    private static final long TIMEOUT_SECONDS = 30;

    private LocalSh() {}

    /** Exit code and output (stdout then stderr as they came). */
    public record Result(int exitCode, String output) {}

    public static Result run(String script) {
        return run(script, "", Map.of());
    }

    /** Runs {@code script} as a host would, with {@code home} as the SSH user's home ($HOME, where ~/ paths land). */
    public static Result inHome(Path home, String script) {
        return run(script, "", Map.of("HOME", home.toString()));
    }

    /** Runs {@code script} with {@code stdin} on its standard input and {@code env} added to this process's environment. */
    public static Result run(String script, String stdin, Map<String, String> env) {
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", script).redirectErrorStream(true);
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
            try (OutputStream in = p.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // the script exited without reading its input: its exit code tells
            }
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("sh -c did not finish within " + TIMEOUT_SECONDS + " s: " + script);
            }
            return new Result(p.exitValue(), output.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        } catch (IOException | ExecutionException | TimeoutException e) {
            throw new AssertionError("running sh -c " + script + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String read(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
