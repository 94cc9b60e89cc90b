package dev.infra.apply;

import dev.infra.diag.Messages;
import dev.infra.nats.JetStreamReport;
import dev.infra.nats.NatsMonitor;
import dev.infra.observe.ObservedContainer;
import dev.infra.observe.ObservedHost;
import dev.infra.observe.ServiceHealth;
import dev.infra.render.ComposeProject;
import dev.infra.render.HostState;
import dev.infra.render.NatsServer;
import dev.infra.ssh.Forward;
import dev.infra.ssh.Remote;
import dev.infra.units.Durations;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** The gates apply waits on before it goes on: each answers "healthy" or why not, within a bound. */
public final class Health {
    /** How long every service must stay up, with no restart, before a host counts as healthy. */
    public static final Duration SETTLE = Duration.ofSeconds(3);

    private Health() {}

    /**
     * The NATS server is up with JetStream on (see {@link JetStreamReport#serving()}), read through
     * the NATS host's own connection, so the monitoring port needs no exposure.
     */
    public static Optional<String> natsProblem(Remote natsHost, NatsServer server, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        String last = "no answer";
        try (Forward f = natsHost.forward("127.0.0.1", server.monitorPort(), 0)) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
            while (System.nanoTime() < deadline) {
                try {
                    JetStreamReport r = NatsMonitor.read(http, f.localPort(), Duration.ofSeconds(3));
                    if (r.serving()) {
                        return Optional.empty();
                    }
                    last = "healthz " + r.healthzStatus() + " " + r.healthzBody() + "; JetStream " + (r.enabled() ? "on" : "off");
                } catch (IOException | RuntimeException e) {
                    last = Messages.of(e);
                }
                Durations.pause(Duration.ofMillis(500));
            }
        }
        return Optional.of("NATS on " + natsHost.endpoint().name() + " is not healthy after " + within.toSeconds() + " s: " + last);
    }

    /** The first service of the host that is not up as declared, described; empty when all are. */
    public static Optional<String> notUp(ObservedHost observed, HostState desired) {
        for (ComposeProject p : desired.projects()) {
            for (ComposeProject.Service s : p.running()) {
                ServiceHealth.Verdict v = ServiceHealth.judge(p.name() + "/" + s.name(), s.scale(), observed.containers(p.name(), s.name()));
                // A restart count is for life: restarts long ago are no reason to roll back today's change.
                if (!v.up() && v.kind() != ServiceHealth.Kind.RESTART_LOOP) {
                    return Optional.of("service " + v.describe());
                }
            }
        }
        return Optional.empty();
    }

    /**
     * A container of the host's services that restarted since the gate first saw it (its restart count
     * grew): a crash loop, even if it shows "running" now. {@code first} remembers the counts it saw.
     */
    public static Optional<String> restartedSince(Map<String, Integer> first, ObservedHost observed, HostState desired) {
        for (ComposeProject p : desired.projects()) {
            for (ComposeProject.Service s : p.running()) {
                for (ObservedContainer c : observed.containers(p.name(), s.name())) {
                    Integer was = first.putIfAbsent(c.name(), c.restartCount());
                    if (was != null && c.restartCount() > was) {
                        return Optional.of("service " + p.name() + "/" + s.name() + ": " + c.name() + " is restart-looping ("
                                + (c.restartCount() - was) + " restart(s) while the health gate watched)");
                    }
                }
            }
        }
        return Optional.empty();
    }
}
