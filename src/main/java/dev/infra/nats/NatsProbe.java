package dev.infra.nats;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.infra.inventory.NatsService;
import dev.infra.render.NatsEndpoint;
import dev.infra.secrets.SecretValues;
import dev.infra.ssh.Background;
import dev.infra.ssh.Remote;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import net.schmizz.sshj.connection.channel.direct.DirectConnection;

/**
 * Does NATS answer where a host's containers would reach it? For every NATS server the host must
 * reach (one, or each node of a cluster), a TCP channel opened *from that host* (so a firewall
 * between it and NATS shows up) to the server's private address: INFO, then
 * CONNECT (with the inventory's credentials) and PING, answered by PONG. Used by apply's health
 * gate, verify's reach check and onboarding's prerequisites alike.
 */
public final class NatsProbe {
    private static final ObjectMapper JSON = new ObjectMapper();

    private NatsProbe() {}

    /** One endpoint's answer: empty when it answered INFO and PONG, else what went wrong. */
    public record Result(NatsEndpoint endpoint, Optional<String> problem) {}

    /** What a host's reach to every NATS server it must reach came to. */
    public record Reach(String from, List<Result> results) {
        public List<Result> failed() {
            return results.stream().filter(r -> r.problem().isPresent()).toList();
        }

        /** Nobody answered: the host's containers cannot work. */
        public boolean none() {
            return !results.isEmpty() && failed().size() == results.size();
        }

        /** Why the host cannot work, if it cannot (apply's gate and onboarding's prerequisites). */
        public Optional<String> blocking() {
            return none() ? Optional.of(String.join("; ", failed().stream().map(r -> r.problem().get()).toList())) : Optional.empty();
        }

        public String targets() {
            return String.join(", ", results.stream().map(r -> r.endpoint().target()).toList());
        }
    }

    /** Probes every endpoint from {@code host} at once, each within {@code within}. */
    public static Reach check(Remote host, List<NatsEndpoint> endpoints, Optional<NatsService.Auth> auth, SecretValues secrets,
                              Duration within) {
        String connect = connectJson(auth, secrets);
        List<CompletableFuture<Result>> probes = endpoints.stream()
                .map(e -> CompletableFuture.supplyAsync(() -> new Result(e, probe(host, e, connect, within)), Background.THREAD_PER_TASK))
                .toList();
        return new Reach(host.endpoint().name(), probes.stream().map(CompletableFuture::join).toList());
    }

    private static Optional<String> probe(Remote host, NatsEndpoint e, String connect, Duration within) {
        String where = "NATS at " + e.target();
        AtomicReference<DirectConnection> channel = new AtomicReference<>();
        CompletableFuture<Optional<String>> probe = CompletableFuture.supplyAsync(() -> {
            try (DirectConnection c = host.tcp(e.address(), e.port())) {
                channel.set(c);
                InputStream in = c.getInputStream();
                String info = line(in);
                if (!info.startsWith("INFO ")) {
                    return Optional.of(where + " answered '" + info + "', not INFO");
                }
                OutputStream out = c.getOutputStream();
                out.write(("CONNECT " + connect + "\r\nPING\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String answer = line(in);
                return answer.startsWith("PONG") || answer.startsWith("+OK") ? Optional.<String>empty()
                        : Optional.of(where + " refused the connection: " + answer);
            } catch (IOException | RuntimeException x) {
                return Optional.of("cannot reach " + where + " from " + host.endpoint().name() + ": " + x.getMessage());
            }
        }, Background.THREAD_PER_TASK);
        try {
            return probe.get(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException x) {
            probe.cancel(true);
            closeQuietly(channel.get());
            return Optional.of("no answer from " + where + " through " + host.endpoint().name() + " within "
                    + within.toSeconds() + " s (a firewall dropping packets?)");
        } catch (InterruptedException x) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        } catch (ExecutionException x) {
            return Optional.of(x.getCause().getMessage());
        }
    }

    private static String connectJson(Optional<NatsService.Auth> auth, SecretValues secrets) {
        ObjectNode c = JSON.createObjectNode();
        c.put("verbose", false);
        c.put("pedantic", false);
        c.put("name", "infra");
        auth.ifPresent(a -> {
            a.token().ifPresent(t -> c.put("auth_token", secrets.reveal(t)));
            a.user().ifPresent(u -> c.put("user", u));
            a.password().ifPresent(p -> c.put("pass", secrets.reveal(p)));
        });
        return c.toString();
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int ch;
        while ((ch = in.read()) >= 0 && ch != '\n' && b.length() < 64 * 1024) {
            if (ch != '\r') {
                b.append((char) ch);
            }
        }
        return b.toString();
    }

    private static void closeQuietly(DirectConnection c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // it is being abandoned anyway
            }
        }
    }
}
