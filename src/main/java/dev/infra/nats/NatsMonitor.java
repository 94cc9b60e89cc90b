package dev.infra.nats;

import dev.infra.ssh.Forward;
import dev.infra.ssh.Remote;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Reads a NATS server's monitoring port through its host's own SSH connection (the port needs no
 * exposure): the fetch half of a JetStream check; the judging half is pure.
 */
public final class NatsMonitor {
    private NatsMonitor() {}

    /** /healthz and /jsz of the server listening on {@code port} on the host's loopback. */
    public static JetStreamReport read(Remote natsHost, int port, Duration timeout) throws IOException {
        try (Forward f = natsHost.forward("127.0.0.1", port, 0)) {
            return read(HttpClient.newBuilder().connectTimeout(timeout).build(), f.localPort(), timeout);
        }
    }

    /** The same read through a forward the caller holds open (a gate polling twice a second keeps one). */
    public static JetStreamReport read(HttpClient http, int localPort, Duration timeout) throws IOException {
        HttpResponse<String> healthz = get(http, localPort, "/healthz?js-enabled-only=true", timeout);
        HttpResponse<String> jsz = get(http, localPort, "/jsz", timeout);
        return JetStreamReport.parse(healthz.statusCode(), healthz.body(), jsz.statusCode(), jsz.body());
    }

    /** The body of /jsz with every stream's raft group, from the server listening on {@code port} on the host's loopback. */
    public static String clusterJsz(Remote natsHost, int port, Duration timeout) throws IOException {
        try (Forward f = natsHost.forward("127.0.0.1", port, 0)) {
            HttpResponse<String> r = get(HttpClient.newBuilder().connectTimeout(timeout).build(), f.localPort(), "/jsz?streams=true", timeout);
            if (r.statusCode() != 200) {
                throw new IOException("/jsz answered " + r.statusCode());
            }
            return r.body();
        }
    }

    /** Status code of GET {@code path} on a monitoring port reached through {@code via} at {@code address}. */
    public static int status(Remote via, String address, int port, String path, Duration timeout) throws IOException {
        try (Forward f = via.forward(address, port, 0)) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).build();
            return get(http, f.localPort(), path, timeout).statusCode();
        }
    }

    private static HttpResponse<String> get(HttpClient http, int localPort, String path, Duration timeout) throws IOException {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + localPort + path)).timeout(timeout).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
