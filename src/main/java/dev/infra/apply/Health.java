package dev.infra.apply;

import dev.infra.ssh.Forward;
import dev.infra.ssh.Remote;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

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

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
