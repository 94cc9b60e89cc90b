package dev.infra.report;

import dev.infra.ssh.Background;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Graphviz's `dot` on this machine, turning the topology's DOT text into SVG. */
public final class Graphviz {
    private Graphviz() {}

    /** The SVG, or why there is none (say, graphviz is not installed). */
    public record Drawing(String svg, String missing) {
        public boolean drawn() {
            return missing.isEmpty();
        }
    }

    public static Drawing svg(String dot, Duration timeout) {
        Process p;
        try {
            p = new ProcessBuilder("dot", "-Tsvg").start();
        } catch (IOException e) {
            return new Drawing("", "Graphviz's dot is not installed here (apt-get install graphviz): the topology is listed, not drawn");
        }
        try {
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()), Background.THREAD_PER_TASK);
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()), Background.THREAD_PER_TASK);
            // Written beside the wait, so that a dot that stops reading is bounded by the timeout too.
            CompletableFuture.runAsync(() -> {
                try (OutputStream in = p.getOutputStream()) {
                    in.write(dot.getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    // dot ended early: its exit status and stderr say why
                }
            }, Background.THREAD_PER_TASK);
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return new Drawing("", "dot did not finish within " + timeout.toSeconds() + "s");
            }
            if (p.exitValue() != 0) {
                return new Drawing("", "dot failed: " + err.join().strip());
            }
            String svg = out.join();
            int start = svg.indexOf("<svg");
            return new Drawing(start < 0 ? svg : svg.substring(start), "");
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Drawing("", "interrupted");
        }
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
