package dev.infra.verify;

import dev.infra.diag.Messages;
import dev.infra.fleet.Fleet;
import dev.infra.inventory.HealthEndpoint;
import dev.infra.inventory.Host;
import dev.infra.inventory.SlurmCluster;
import dev.infra.nats.JetStreamReport;
import dev.infra.nats.NatsMonitor;
import dev.infra.nats.NatsProbe;
import dev.infra.observe.LiveEnv;
import dev.infra.observe.ObservedContainer;
import dev.infra.observe.ObservedHost;
import dev.infra.observe.ProbeCommands;
import dev.infra.observe.ServiceHealth;
import dev.infra.render.ComposeProject;
import dev.infra.render.Duties;
import dev.infra.render.HostState;
import dev.infra.render.NatsEndpoint;
import dev.infra.render.NatsServer;
import dev.infra.slurm.SlurmCommands;
import dev.infra.slurm.SlurmJudge;
import dev.infra.slurm.SlurmStatus;
import dev.infra.ssh.Background;
import dev.infra.ssh.ExecResult;
import dev.infra.ssh.Remote;
import dev.infra.verify.CheckResult.Outcome;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The checks of `infra verify`, built from each host's desired state (its duties): what it runs,
 * what it must reach, what its NATS must report. Each reads the live fleet through the same SSH
 * connections as plan (one per host); what several checks of a host need (its state, the JetStream
 * view) is read once and shared. The judgements themselves are pure functions elsewhere.
 */
public final class FleetChecks {
    private static final String NATS_URL = "NATS_URL";

    private final Fleet fleet;
    private final Duration timeout;
    private final Map<String, CompletableFuture<ObservedHost>> observed = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<SlurmStatus>> slurm = new ConcurrentHashMap<>();
    private final JetStreamChecks jetStream;
    private final Function<Host, Fleet.Observation> read;

    public FleetChecks(Fleet fleet, Duration timeout) {
        this(fleet, timeout, fleet::observeContainers);
    }

    /**
     * With {@code read} giving each host's state: a caller that reads whole hosts anyway (the report,
     * for drift) shares that one read with the service and env checks instead of a second round trip.
     */
    public FleetChecks(Fleet fleet, Duration timeout, Function<Host, Fleet.Observation> read) {
        this.fleet = fleet;
        this.timeout = timeout;
        this.jetStream = new JetStreamChecks(fleet);
        this.read = read;
    }

    public List<Check> checks(List<Host> hosts) {
        List<Check> checks = new ArrayList<>();
        for (Host h : hosts) {
            HostState desired = fleet.desired(h.name());
            Duties duties = desired.duties();
            boolean read = !desired.projects().isEmpty();
            checks.add(check("ssh", h, () -> ssh(h, read)));
            for (ComposeProject p : desired.projects()) {
                for (ComposeProject.Service s : p.running()) {
                    Callable<Outcome> body = () -> service(h, p, s);
                    checks.add(check("service:" + s.name(), h, p.nats() ? ofServer(duties.natsServer().orElseThrow(), body) : body));
                }
            }
            if (duties.runsDeployment()) {
                checks.add(check("env", h, () -> env(h, desired)));
            }
            if (!duties.natsReach().isEmpty()) {
                checks.add(check("reach", h, () -> reach(h, duties.natsReach())));
            }
            duties.natsServer().ifPresent(server -> {
                checks.add(check("jetstream", h, ofServer(server, () -> jetstream(h, server))));
                // Once for the whole of JetStream, on its first server (read through whichever server answers).
                if (fleet.desiredFleet().natsServers().get(0).host().equals(h.name())) {
                    if (server.clusterSize() > 1) {
                        checks.add(check("cluster", h, this::cluster));
                    }
                    checks.add(check("streams", h, jetStream::streams));
                    checks.add(check("consumers", h, jetStream::consumers));
                }
            });
            for (NatsEndpoint monitor : duties.natsMonitors()) {
                String id = duties.natsMonitors().size() == 1 ? "monitoring" : "monitoring:" + monitor.host();
                checks.add(check(id, h, () -> monitoring(h, monitor)));
            }
            duties.slurm().ifPresent(c -> c.workers().values().forEach(g ->
                    checks.add(check("slurm:" + g.name(), h, () -> SlurmJudge.judge(c, g, slurmStatus(h, c))))));
            for (HealthEndpoint e : duties.processingChecks()) {
                // Its own timeout, plus the SSH round trip: a dead endpoint is CRIT at its deadline.
                checks.add(new Check("processing:" + e.name(), h.name(), e.timeout().plusSeconds(5), Status.CRIT,
                        () -> processing(h, e)));
            }
        }
        return checks;
    }

    /**
     * A check of one server of a cluster: that server's own outage is a WARN, since the fleet still
     * works; the cluster check turns CRIT when quorum goes. A single server's checks stay as they are.
     */
    private static Callable<Outcome> ofServer(NatsServer server, Callable<Outcome> body) {
        if (server.clusterSize() <= 1) {
            return body;
        }
        return () -> {
            Outcome o = body.call();
            return o.status() == Status.CRIT ? Outcome.warn(o.message() + "; one server of the cluster (see the cluster check for quorum)",
                    o.fix()) : o;
        };
    }

    /** The login host's jobs and logs, read once for all its worker groups' checks. */
    private SlurmStatus slurmStatus(Host h, SlurmCluster c) {
        return slurm.computeIfAbsent(h.name(), k -> CompletableFuture.supplyAsync(() -> {
            ExecResult r = fleet.remote(h).run(SlurmCommands.status(c, SlurmCluster.RECENT_HOURS), timeout);
            if (!r.ok()) {
                throw new IllegalStateException("reading the SLURM jobs failed: " + r.reason());
            }
            return SlurmStatus.parse(r.stdout());
        }, Background.THREAD_PER_TASK)).join();
    }

    private Check check(String id, Host h, Callable<Outcome> body) {
        return new Check(id, h.name(), timeout, Status.UNKNOWN, body);
    }

    static String applyFix(Host h) {
        return "infra apply --limit " + h.name();
    }

    /**
     * Logged in, and a command runs. Where the host's state is read anyway ({@code read}), that read
     * is the command: no round trip of its own. Else, or when that read failed, a command that does nothing.
     */
    private Outcome ssh(Host h, boolean read) {
        try {
            Remote remote = fleet.remote(h);
            if (read && observed(h)) {
                return Outcome.ok("reachable (" + h.reachedHow() + "), host key pinned");
            }
            ExecResult r = remote.run(ProbeCommands.connection(), timeout);
            return r.ok() ? Outcome.ok("reachable (" + h.reachedHow() + "), host key pinned")
                    : Outcome.crit("connected, but a command failed: " + r.reason(), "check the login shell of the SSH user");
        } catch (RuntimeException e) {
            return Outcome.crit(e.getMessage(), "check the host, its jump host and known_hosts");
        }
    }

    /** Whether the host's state could be read. */
    private boolean observed(Host h) {
        try {
            observe(h);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private ObservedHost observe(Host h) {
        CompletableFuture<ObservedHost> f = observed.computeIfAbsent(h.name(), k -> CompletableFuture.supplyAsync(() -> {
            Fleet.Observation o = read.apply(h);
            return o.state().orElseThrow(() -> new IllegalStateException(o.error().orElse("cannot read the host")));
        }, Background.THREAD_PER_TASK));
        return f.join();
    }

    private Outcome service(Host h, ComposeProject p, ComposeProject.Service s) {
        List<ObservedContainer> cs = observe(h).containers(p.name(), s.name());
        ServiceHealth.Verdict v = ServiceHealth.judge(p.name() + "/" + s.name(), s.scale(), cs);
        return switch (v.kind()) {
            case UP -> Outcome.ok(v.describe());
            case MISSING, TOO_FEW -> Outcome.crit(v.describe(), applyFix(h));
            case RESTART_LOOP -> Outcome.crit(v.describe(), "docker logs " + v.culprit().orElseThrow().name() + " on " + h.name());
            case UNHEALTHY -> Outcome.crit(v.describe(), "docker inspect --format '{{json .State.Health}}' " + v.culprit().orElseThrow().name());
            case STARTING -> Outcome.warn(v.describe(), "");
        };
    }

    /** The containers' live environment, not the file: catches "file fixed, container never recreated". */
    private Outcome env(Host h, HostState desired) {
        ObservedHost o = observe(h);
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (ComposeProject p : desired.deploymentProjects()) {
            Map<String, String> required = new LinkedHashMap<>();
            p.requiredEnv().forEach((k, v) -> required.put(k, fleet.secrets().reveal(v)));
            List<ObservedContainer> running = o.containers().stream().filter(c -> c.project().equals(p.name()) && c.running()).toList();
            checked += running.size();
            for (LiveEnv.Mismatch m : LiveEnv.mismatches(running, required)) {
                problems.add(m.missing()
                        ? m.container().name() + " runs without " + m.key() + (m.key().equals(NATS_URL) ? " (the app then uses nats://localhost:4222)" : "")
                        : m.container().name() + " has " + m.key() + "=" + fleet.secrets().mask(m.live().get()) + ", not "
                                + fleet.secrets().mask(m.wanted()));
            }
        }
        if (!problems.isEmpty()) {
            return Outcome.crit(String.join("; ", problems), applyFix(h) + " (recreates them with the right environment)");
        }
        String keys = String.join(", ", desired.deploymentProjects().stream().flatMap(p -> p.requiredEnv().keySet().stream()).distinct().toList());
        return checked == 0 ? Outcome.warn("no running app/worker container to check", applyFix(h))
                : Outcome.ok(checked + " container(s) have " + (keys.isEmpty() ? "their environment" : keys) + " as declared");
    }

    /** The path a worker's containers take to NATS: every server it must reach, probed from the host itself. */
    private Outcome reach(Host h, List<NatsEndpoint> endpoints) {
        Duration within = timeout.compareTo(Duration.ofSeconds(10)) < 0 ? timeout : Duration.ofSeconds(10);
        NatsProbe.Reach reach = NatsProbe.check(fleet.remote(h), endpoints, fleet.inventory().nats().auth(), fleet.secrets(), within);
        String fix = "check the firewall and routes between " + h.name() + " and "
                + String.join(", ", reach.failed().stream().map(r -> r.endpoint().host()).toList());
        List<String> problems = reach.failed().stream().map(r -> r.problem().get()).toList();
        if (reach.none()) {
            return Outcome.crit(String.join("; ", problems), fix);
        }
        if (!problems.isEmpty()) {
            return Outcome.warn((endpoints.size() - problems.size()) + " of " + endpoints.size() + " NATS servers answer; "
                    + String.join("; ", problems), fix);
        }
        return Outcome.ok("NATS at " + reach.targets() + " answers INFO and PONG");
    }

    private Outcome jetstream(Host h, NatsServer server) {
        JetStreamReport report;
        try {
            report = NatsMonitor.read(fleet.remote(h), server.monitorPort(), Duration.ofSeconds(5));
        } catch (IOException | RuntimeException e) {
            return Outcome.crit("NATS monitoring on " + h.name() + ":127.0.0.1:" + server.monitorPort() + " does not answer ("
                    + Messages.of(e) + ")", "is the NATS container running? " + applyFix(h));
        }
        List<ObservedContainer.Mount> mounts = observe(h).containers(server.project(), server.service()).stream()
                .filter(ObservedContainer::running).flatMap(c -> c.mounts().stream()).toList();
        return JetStreamJudge.judge(report, server, mounts);
    }

    /** The cluster as its servers describe it: each one's /jsz read in parallel; one that does not answer counts as down. */
    private Outcome cluster() {
        return fleet.clusterHealth(Duration.ofSeconds(5));
    }

    private Outcome monitoring(Host jump, NatsEndpoint monitor) {
        try {
            int code = NatsMonitor.status(fleet.remote(jump), monitor.address(), monitor.port(), "/varz", Duration.ofSeconds(5));
            return code == 200 ? Outcome.ok("http://" + monitor.target() + " answers from " + jump.name()
                    + " (dashboard: infra tunnel monitor)")
                    : Outcome.warn("http://" + monitor.target() + " answered " + code, "");
        } catch (IOException | RuntimeException e) {
            return Outcome.warn("the monitoring port " + monitor.target() + " is not reachable from " + jump.name()
                    + ": " + e.getMessage(), "publish " + monitor.port() + " on " + monitor.host() + " to the private network");
        }
    }

    private Outcome processing(Host from, HealthEndpoint e) {
        ExecResult r = fleet.remote(from).run(ProbeCommands.http(e.url(), e.timeout()), e.timeout().plusSeconds(4));
        if (r.exitCode() == ProbeCommands.MISSING_TOOL) {
            return Outcome.unknown("curl is not installed on " + from.name(), "install curl there, or set check_from");
        }
        if (r.exitCode() == ProbeCommands.CURL_TIMED_OUT) {
            return Outcome.crit(e.url() + " did not answer within " + CheckRunner.seconds(e.timeout()),
                    "the service is down or hung; skip it in the app's beat task until it answers");
        }
        if (!r.ok()) {
            return Outcome.crit(e.url() + ": " + r.reason(), "check the service and the route from " + from.name());
        }
        String code = r.stdout().strip();
        return code.startsWith("2") ? Outcome.ok(e.url() + " answered " + code)
                : Outcome.crit(e.url() + " answered HTTP " + code, "check the service's own logs");
    }
}
