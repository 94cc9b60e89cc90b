package dev.infra.apply;

import dev.infra.ssh.Forward;
import dev.infra.ssh.Remote;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.schmizz.sshj.connection.channel.direct.DirectConnection;

/** The gates apply waits on before it goes on: each answers "healthy" or why not, within a bound. */
public final class Health {
    private Health() {}

    /**
     * NATS is up with JetStream on: /healthz answers ok and /jsz does not say disabled (nats-server
     * 2.9's /healthz alone says ok even without JetStream). Read through the NATS host's own
     * connection, so the monitoring port needs no exposure.
     */
    public static Optional<String> natsProblem(Remote natsHost, int monitorPort, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        String last = "no answer";
        try (Forward f = natsHost.forward("127.0.0.1", monitorPort, 0)) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            while (System.nanoTime() < deadline) {
                try {
                    HttpResponse<String> healthz = get(http, f.localPort(), "/healthz?js-enabled-only=true");
                    HttpResponse<String> jsz = get(http, f.localPort(), "/jsz");
                    if (healthz.statusCode() == 200 && jsz.statusCode() == 200 && !jsz.body().matches("(?s).*\"disabled\":\\s*true.*")) {
                        return Optional.empty();
                    }
                    last = "healthz " + healthz.statusCode() + " " + healthz.body().strip() + "; jsz " + jsz.statusCode();
                } catch (IOException e) {
                    last = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                }
                sleep(500);
            }
        }
        return Optional.of("NATS on " + natsHost.endpoint().name() + " is not healthy after " + within.toSeconds() + " s: " + last);
    }

    private static HttpResponse<String> get(HttpClient http, int port, String path) throws IOException {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** From {@code host}, a TCP connection to NATS gets the server's INFO line: the path a worker uses. */
    public static Optional<String> reachesNats(Remote host, String natsAddress, int port, Duration within) {
        java.util.concurrent.atomic.AtomicReference<DirectConnection> channel = new java.util.concurrent.atomic.AtomicReference<>();
        CompletableFuture<Optional<String>> probe = CompletableFuture.supplyAsync(() -> {
            try (DirectConnection c = host.tcp(natsAddress, port)) {
                channel.set(c);
                InputStream in = c.getInputStream();
                byte[] buf = new byte[5];
                int n = in.readNBytes(buf, 0, 5);
                String head = new String(buf, 0, n, StandardCharsets.US_ASCII);
                return head.startsWith("INFO") ? Optional.<String>empty()
                        : Optional.of("NATS at " + natsAddress + ":" + port + " answered '" + head + "', not INFO");
            } catch (IOException | RuntimeException e) {
                return Optional.of(host.endpoint().name() + " cannot reach NATS at " + natsAddress + ":" + port + ": " + e.getMessage());
            }
        }, dev.infra.ssh.Background.THREAD_PER_TASK);
        try {
            return probe.get(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            probe.cancel(true);
            closeQuietly(channel.get());
            return Optional.of(host.endpoint().name() + " got no answer from NATS at " + natsAddress + ":" + port
                    + " within " + within.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        } catch (java.util.concurrent.ExecutionException e) {
            return Optional.of(e.getCause().getMessage());
        }
    }

    static void closeQuietly(DirectConnection c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // it is being abandoned anyway
            }
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
