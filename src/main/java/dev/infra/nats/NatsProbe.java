package dev.infra.nats;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.infra.inventory.Host;
import dev.infra.inventory.Inventory;
import dev.infra.inventory.Role;
import dev.infra.secrets.SecretValues;
import dev.infra.ssh.Background;
import dev.infra.ssh.Remote;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import net.schmizz.sshj.connection.channel.direct.DirectConnection;

/**
 * Does NATS answer where a host's containers would reach it? A TCP channel opened *from that host*
 * (so a firewall between it and NATS shows up) to the NATS host's private address: INFO, then
 * CONNECT (with the inventory's credentials) and PING, answered by PONG. Used by apply's health
 * gate, verify's reach check and onboarding's prerequisites alike.
 */
public final class NatsProbe {
    private static final ObjectMapper JSON = new ObjectMapper();

    private NatsProbe() {}

    /** Where the fleet's containers reach NATS: the NATS host's private address and client port. */
    public static String target(Inventory inv) {
        Host nats = inv.hostsWith(Role.NATS).get(0);
        return nats.privateAddress().orElse(nats.name()) + ":" + inv.nats().clientPort();
    }

    /** Empty when NATS answered INFO and PONG through {@code host} within {@code within}; else what went wrong. */
    public static Optional<String> check(Remote host, Inventory inv, SecretValues secrets, Duration within) {
        Host nats = inv.hostsWith(Role.NATS).get(0);
        String address = nats.privateAddress().orElse(nats.name());
        int port = inv.nats().clientPort();
        String where = "NATS at " + address + ":" + port;
        AtomicReference<DirectConnection> channel = new AtomicReference<>();
        CompletableFuture<Optional<String>> probe = CompletableFuture.supplyAsync(() -> {
            try (DirectConnection c = host.tcp(address, port)) {
                channel.set(c);
                InputStream in = c.getInputStream();
                String info = line(in);
                if (!info.startsWith("INFO ")) {
                    return Optional.of(where + " answered '" + info + "', not INFO");
                }
                OutputStream out = c.getOutputStream();
                out.write(("CONNECT " + connectJson(inv, secrets) + "\r\nPING\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String answer = line(in);
                return answer.startsWith("PONG") || answer.startsWith("+OK") ? Optional.<String>empty()
                        : Optional.of(where + " refused the connection: " + answer);
            } catch (IOException | RuntimeException e) {
                return Optional.of("cannot reach " + where + " from " + host.endpoint().name() + ": " + e.getMessage());
            }
        }, Background.THREAD_PER_TASK);
        try {
            return probe.get(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            probe.cancel(true);
            closeQuietly(channel.get());
            return Optional.of("no answer from " + where + " through " + host.endpoint().name() + " within "
                    + within.toSeconds() + " s (a firewall dropping packets?)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        } catch (ExecutionException e) {
            return Optional.of(e.getCause().getMessage());
        }
    }

    private static String connectJson(Inventory inv, SecretValues secrets) {
        ObjectNode c = JSON.createObjectNode();
        c.put("verbose", false);
        c.put("pedantic", false);
        c.put("name", "infra");
        inv.nats().auth().ifPresent(a -> {
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
