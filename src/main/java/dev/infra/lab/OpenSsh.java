package dev.infra.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real OpenSSH client, pointed at the lab's ssh_config (`ssh -F`). The lab proves each host is
 * reachable with the tool operators themselves use, ProxyJump and strict host keys included.
 */
public final class OpenSsh {
    private final Path config;

    public OpenSsh(Path config) {
        this.config = config;
    }

    public record Result(int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    public Result run(String host, Duration timeout, String... remoteCommand) {
        return runWithInput(host, timeout, null, remoteCommand);
    }

    /** Runs a command on {@code host} with {@code input} on its stdin (e.g. a file to write). */
    public Result runWithInput(String host, Duration timeout, byte[] input, String... remoteCommand) {
        List<String> command = new ArrayList<>(List.of("ssh", "-F", config.toString(), host, "--"));
        command.addAll(List.of(remoteCommand));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            try (var stdin = p.getOutputStream()) {
                if (input != null) {
                    stdin.write(input);
                }
            }
            byte[][] out = new byte[1][];
            Thread reader = new Thread(() -> {
                try {
                    out[0] = p.getInputStream().readAllBytes();
                } catch (IOException e) {
                    out[0] = new byte[0];
                }
            });
            reader.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                reader.join(1000);
                return new Result(124, "timed out after " + timeout.toSeconds() + " s");
            }
            reader.join(5000);
            return new Result(p.exitValue(), out[0] == null ? "" : new String(out[0], StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new LabException("cannot run the OpenSSH client (apt-get install openssh-client): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted", e);
        }
    }
}
