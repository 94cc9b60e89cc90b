package dev.infra.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.infra.fleet.Fleet;
import dev.infra.inventory.Deployment;
import dev.infra.inventory.HealthEndpoint;
import dev.infra.inventory.Host;
import dev.infra.inventory.Inventory;
import dev.infra.inventory.Role;
import dev.infra.nats.JetStreamAnalysis;
import dev.infra.nats.JobStream;
import dev.infra.nats.NatsAdmin;
import dev.infra.observe.ObservedContainer;
import dev.infra.observe.ObservedHost;
import dev.infra.render.ComposeProject;
import dev.infra.render.HostState;
import dev.infra.ssh.ExecResult;
import dev.infra.ssh.Forward;
import dev.infra.ssh.Remote;
import dev.infra.ssh.RemoteCommand;
import dev.infra.ssh.Shell;
import dev.infra.verify.CheckResult.Outcome;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The checks of `infra verify`, built from the inventory. Each reads the live fleet through the
 * same SSH connections as plan (one per host); what several checks of a host need (its state, the
 * JetStream view) is read once and shared.
 */
public final class FleetChecks {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Fleet fleet;
    private final Inventory inv;
    private final Duration timeout;
    private final Map<String, CompletableFuture<ObservedHost>> observed = new ConcurrentHashMap<>();
    private volatile CompletableFuture<JetStreamView> jetStream;

    public FleetChecks(Fleet fleet, Duration timeout) {
        this.fleet = fleet;
        this.inv = fleet.inventory();
        this.timeout = timeout;
    }

    public List<Check> checks(List<Host> hosts) {
        List<Check> checks = new ArrayList<>();
        Optional<Host> natsHost = inv.hostsWith(Role.NATS).stream().findFirst();
        for (Host h : hosts) {
            checks.add(check("ssh", h, () -> ssh(h)));
            HostState desired = fleet.desired(h.name());
            for (ComposeProject p : desired.projects()) {
                for (ComposeProject.Service s : p.services()) {
                    if (s.scale() > 0) {
                        checks.add(check("service:" + s.name(), h, () -> service(h, p, s)));
                    }
                }
            }
            if (h.has(Role.APP) || h.has(Role.WORKER)) {
                checks.add(check("env", h, () -> env(h)));
                checks.add(check("reach", h, () -> reach(h)));
            }
            if (h.has(Role.NATS)) {
                checks.add(check("jetstream", h, () -> jetstream(h)));
                checks.add(check("streams", h, () -> withJetStream(h, this::streams)));
                checks.add(check("consumers", h, () -> withJetStream(h, this::consumers)));
            }
            if (h.has(Role.BASTION) && natsHost.isPresent()) {
                checks.add(check("monitoring", h, () -> monitoring(h, natsHost.get())));
            }
        }
        for (HealthEndpoint e : inv.processingServices().values()) {
            Host from = e.checkFrom().map(inv.hosts()::get)
                    .or(() -> inv.hostsWith(Role.APP).stream().findFirst())
                    .orElse(inv.hosts().values().iterator().next());
            if (hosts.contains(from)) {
                // Its own timeout, plus the SSH round trip: a dead endpoint is CRIT at its deadline.
                checks.add(new Check("processing:" + e.name(), from.name(), e.timeout().plusSeconds(5), Status.CRIT,
                        () -> processing(from, e)));
            }
        }
        return checks;
    }

    private Check check(String id, Host h, java.util.concurrent.Callable<Outcome> body) {
        return new Check(id, h.name(), timeout, Status.UNKNOWN, body);
    }

    private String applyFix(Host h) {
        return "infra apply --limit " + h.name();
    }

    // ---- ssh ----------------------------------------------------------------------------------

    private Outcome ssh(Host h) {
        try {
            ExecResult r = fleet.remote(h).run(RemoteCommand.of("check the connection", "true"), timeout);
            return r.ok() ? Outcome.ok("reachable (" + h.reachedHow() + "), host key pinned")
                    : Outcome.crit("connected, but a command failed: " + r.reason(), "check the login shell of the SSH user");
        } catch (RuntimeException e) {
            return Outcome.crit(e.getMessage(), "check the host, its jump host and known_hosts");
        }
    }

    private ObservedHost observe(Host h) {
        CompletableFuture<ObservedHost> f = observed.computeIfAbsent(h.name(), k -> CompletableFuture.supplyAsync(() -> {
            Fleet.Observation o = fleet.observe(List.of(h)).get(0);
            return o.state().orElseThrow(() -> new IllegalStateException(o.error().orElse("cannot read the host")));
        }, dev.infra.ssh.Background.THREAD_PER_TASK));
        return f.join();
    }

    // ---- services and environment -------------------------------------------------------------

    private Outcome service(Host h, ComposeProject p, ComposeProject.Service s) {
        ObservedHost o = observe(h);
        List<ObservedContainer> cs = o.containers(p.name(), s.name());
        long running = cs.stream().filter(ObservedContainer::running).count();
        String name = p.name() + "/" + s.name();
        if (running < s.scale()) {
            String states = cs.isEmpty() ? "no container" : String.join(", ", cs.stream().map(c -> c.name() + " " + c.state()).toList());
            return Outcome.crit(name + ": " + running + " of " + s.scale() + " running (" + states + ")", applyFix(h));
        }
        for (ObservedContainer c : cs) {
            if ("restarting".equals(c.state()) || c.restartCount() >= 3) {
                return Outcome.crit(name + ": " + c.name() + " is restart-looping (" + c.restartCount() + " restarts)",
                        "docker logs " + c.name() + " on " + h.name());
            }
            if ("unhealthy".equals(c.health())) {
                return Outcome.crit(name + ": " + c.name() + " is unhealthy", "docker inspect --format '{{json .State.Health}}' " + c.name());
            }
            if ("starting".equals(c.health())) {
                return Outcome.warn(name + ": " + c.name() + " health is still starting", "");
            }
        }
        return Outcome.ok(name + ": " + running + " of " + s.scale() + " running" + (cs.stream().anyMatch(c -> "healthy".equals(c.health())) ? ", healthy" : ""));
    }

    /** The container's live environment, not the file: catches "file fixed, container never recreated". */
    private Outcome env(Host h) {
        ObservedHost o = observe(h);
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (Role role : List.of(Role.APP, Role.WORKER)) {
            if (!h.has(role) || inv.deployment(role).isEmpty()) {
                continue;
            }
            Deployment d = inv.deployment(role).get();
            String want = fleet.secrets().reveal(d.managedEnv().get("NATS_URL"));
            String project = ComposeProject.projectName(d.deployDir());
            for (ObservedContainer c : o.containers()) {
                if (!c.project().equals(project) || !c.running()) {
                    continue;
                }
                checked++;
                String live = c.env().get("NATS_URL");
                if (live == null) {
                    problems.add(c.name() + " runs without NATS_URL (the app then uses nats://localhost:4222)");
                } else if (!live.equals(want)) {
                    problems.add(c.name() + " has NATS_URL=" + fleet.secrets().mask(live) + ", not " + fleet.secrets().mask(want));
                }
            }
        }
        if (!problems.isEmpty()) {
            return Outcome.crit(String.join("; ", problems), applyFix(h) + " (recreates them with the right environment)");
        }
        return checked == 0 ? Outcome.warn("no running app/worker container to check", applyFix(h))
                : Outcome.ok(checked + " container(s) have NATS_URL as declared");
    }

    // ---- reach: the path a worker's container takes to NATS -----------------------------------

    private Outcome reach(Host h) {
        Host nats = inv.hostsWith(Role.NATS).get(0);
        Optional<String> problem = dev.infra.nats.NatsProbe.check(fleet.remote(h), inv, fleet.secrets(),
                timeout.compareTo(Duration.ofSeconds(10)) < 0 ? timeout : Duration.ofSeconds(10));
        return problem.map(p -> Outcome.crit(p, "check the firewall and routes between " + h.name() + " and " + nats.name()))
                .orElseGet(() -> Outcome.ok("NATS at " + dev.infra.nats.NatsProbe.target(inv) + " (alias '" + aliasFor(h)
                        + "') answers INFO and PONG"));
    }

    private String aliasFor(Host h) {
        return inv.deployment(h.has(Role.WORKER) ? Role.WORKER : Role.APP).map(Deployment::natsAlias).orElse("nats");
    }

    // ---- JetStream: health, storage, limits ---------------------------------------------------

    private Outcome jetstream(Host h) {
        int monitor = inv.nats().monitorPort();
        JsonNode jsz;
        String healthz;
        try (Forward f = fleet.remote(h).forward("127.0.0.1", monitor, 0)) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
            HttpResponse<String> hz = get(http, "http://127.0.0.1:" + f.localPort() + "/healthz?js-enabled-only=true");
            healthz = hz.statusCode() + " " + hz.body().strip();
            if (hz.statusCode() != 200) {
                return Outcome.crit("/healthz?js-enabled-only=true says " + healthz, "docker logs of the NATS container on " + h.name());
            }
            jsz = JSON.readTree(get(http, "http://127.0.0.1:" + f.localPort() + "/jsz").body());
        } catch (IOException | RuntimeException e) {
            return Outcome.crit("NATS monitoring on " + h.name() + ":127.0.0.1:" + monitor + " does not answer ("
                    + e.getMessage() + ")", "is the NATS container running? " + applyFix(h));
        }
        if (jsz.path("disabled").asBoolean(false) || jsz.path("config").isMissingNode()) {
            return Outcome.crit("JetStream is disabled", applyFix(h));
        }
        String storeDir = jsz.path("config").path("store_dir").asText("");
        if (storeDir.startsWith("/tmp")) {
            return Outcome.crit("JetStream keeps its data in " + storeDir + ": lost when the container is recreated",
                    applyFix(h) + " (puts it on the named volume " + inv.nats().jetstream().volume() + ")");
        }
        Optional<ObservedContainer.Mount> mount = natsMount(h, storeDir);
        if (mount.isEmpty()) {
            return Outcome.crit("store_dir " + storeDir + " is not inside a named volume of the NATS container", applyFix(h));
        }
        List<String> warnings = new ArrayList<>();
        long maxMem = jsz.path("config").path("max_memory").asLong();
        long maxStore = jsz.path("config").path("max_storage").asLong();
        if (maxMem != inv.nats().jetstream().maxMemoryStore().bytes()) {
            warnings.add("max_memory " + maxMem + " is not the inventory's " + inv.nats().jetstream().maxMemoryStore().bytes());
        }
        if (maxStore != inv.nats().jetstream().maxFileStore().bytes()) {
            warnings.add("max_storage " + maxStore + " is not the inventory's " + inv.nats().jetstream().maxFileStore().bytes());
        }
        double memUse = maxMem > 0 ? jsz.path("memory").asDouble() / maxMem : 0;
        double fileUse = maxStore > 0 ? jsz.path("storage").asDouble() / maxStore : 0;
        double use = Math.max(memUse, fileUse);
        String usage = String.format("memory %.0f%%, file %.0f%% of the limits", memUse * 100, fileUse * 100);
        if (use >= 0.90) {
            return Outcome.crit("JetStream store nearly full: " + usage, "prune stale streams (infra nats prune) or raise the limits");
        }
        if (use >= 0.75) {
            warnings.add("JetStream store filling up: " + usage);
        }
        if (!warnings.isEmpty()) {
            return Outcome.warn(String.join("; ", warnings), applyFix(h));
        }
        return Outcome.ok("healthy; store " + storeDir + " on volume " + mount.get().name() + "; " + usage);
    }

    private Optional<ObservedContainer.Mount> natsMount(Host h, String storeDir) {
        ObservedHost o = observe(h);
        return o.containers().stream().filter(c -> c.running() && c.service().equals(inv.nats().serviceName()))
                .flatMap(c -> c.mounts().stream())
                .filter(m -> "volume".equals(m.type()) && (storeDir.equals(m.destination()) || storeDir.startsWith(m.destination() + "/")))
                .findFirst();
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws IOException {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private Outcome monitoring(Host bastion, Host nats) {
        String address = nats.address().orElse(nats.name());
        int port = inv.nats().monitorPort();
        try (Forward f = fleet.remote(bastion).forward(address, port, 0)) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
            HttpResponse<String> r = get(http, "http://127.0.0.1:" + f.localPort() + "/varz");
            return r.statusCode() == 200 ? Outcome.ok("http://" + address + ":" + port + " answers from " + bastion.name()
                    + " (dashboard: infra tunnel monitor)")
                    : Outcome.warn("http://" + address + ":" + port + " answered " + r.statusCode(), "");
        } catch (IOException | RuntimeException e) {
            return Outcome.warn("the monitoring port " + address + ":" + port + " is not reachable from " + bastion.name()
                    + ": " + e.getMessage(), "publish " + port + " on " + nats.name() + " to the private network");
        }
    }

    // ---- streams and consumers ----------------------------------------------------------------

    record JetStreamView(List<JobStream> streams, Map<String, List<Long>> advisories) {}

    private JetStreamView jetStreamView(Host h) {
        if (jetStream == null) {
            synchronized (this) {
                if (jetStream == null) {
                    jetStream = CompletableFuture.supplyAsync(() -> {
                        try (NatsAdmin admin = new NatsAdmin(fleet.remote(h), inv, fleet.secrets(), Duration.ofSeconds(5))) {
                            return new JetStreamView(admin.streams(), admin.maxDeliveriesAdvisories());
                        } catch (IOException e) {
                            throw new IllegalStateException(e.getMessage(), e);
                        }
                    }, dev.infra.ssh.Background.THREAD_PER_TASK);
                }
            }
        }
        return jetStream.join();
    }

    /** Runs {@code check} on the shared JetStream view; UNKNOWN when JetStream cannot be read at all. */
    private Outcome withJetStream(Host h, java.util.function.Function<JetStreamView, Outcome> check) {
        JetStreamView view;
        try {
            view = jetStreamView(h);
        } catch (RuntimeException e) {
            return Outcome.unknown("cannot read JetStream: " + rootMessage(e), "is NATS running? see the jetstream check");
        }
        return check.apply(view);
    }

    private Outcome streams(JetStreamView view) {
        List<JetStreamAnalysis.Stale> stale = JetStreamAnalysis.stale(view.streams(), inv.policy(), Instant.now());
        long jobs = view.streams().stream().filter(s -> s.jobId().isPresent()).count();
        if (stale.isEmpty()) {
            return Outcome.ok(jobs + " job stream(s), none stale");
        }
        List<String> names = stale.stream().limit(5).map(s -> s.stream().name()).toList();
        return Outcome.warn(stale.size() + " stale job stream(s) of " + jobs + " (" + String.join(", ", names)
                + (stale.size() > 5 ? ", …" : "") + "): " + stale.get(0).why(), "infra nats prune --yes (dry run without --yes)");
    }

    private Outcome consumers(JetStreamView view) {
        List<JetStreamAnalysis.DeadLetters> dead = JetStreamAnalysis.deadLetters(view.streams(), inv.policy().naming(), view.advisories());
        if (!dead.isEmpty()) {
            List<String> parts = dead.stream().map(d -> d.stream().name() + "/" + d.consumer().name() + ": " + d.count()
                    + " message(s) exhausted max_deliver " + d.consumer().maxDeliver() + " (stream seq "
                    + d.sequences().stream().limit(10).map(String::valueOf).reduce((a, b) -> a + "," + b).orElse("") + ")").toList();
            return Outcome.crit("dead letters — the job will hang: " + String.join("; ", parts),
                    "infra triage " + dead.get(0).stream().jobId().orElse("JOB") + " (the job needs a FAILURE status, not a wait)");
        }
        List<JetStreamAnalysis.PolicyMismatch> mismatches = JetStreamAnalysis.policyMismatches(view.streams(), inv.policy());
        if (!mismatches.isEmpty()) {
            return Outcome.warn(mismatches.size() + " job consumer(s) differ from jetstream_policy: "
                    + mismatches.get(0).stream().name() + "/" + mismatches.get(0).consumer().name() + " " + mismatches.get(0).what(),
                    "the app creates consumers: align its settings (NATS_TASK_TTR, max_deliver) with jetstream_policy");
        }
        long consumers = view.streams().stream().mapToLong(s -> s.consumers().size()).sum();
        return Outcome.ok(consumers + " consumer(s), no dead letters, all as jetstream_policy says");
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    // ---- processing services ------------------------------------------------------------------

    private Outcome processing(Host from, HealthEndpoint e) {
        double seconds = e.timeout().toMillis() / 1000.0;
        ExecResult r = fleet.remote(from).run(RemoteCommand.of("probe " + e.url(),
                "command -v curl >/dev/null || { echo 'curl is not installed' >&2; exit 127; }; "
                        + "curl -sS -o /dev/null -m " + String.format(java.util.Locale.ROOT, "%.1f", seconds)
                        + " -w '%{http_code}' " + Shell.quote(e.url())), e.timeout().plusSeconds(4));
        if (r.exitCode() == 127) {
            return Outcome.unknown("curl is not installed on " + from.name(), "install curl there, or set check_from");
        }
        if (r.exitCode() == 28) {
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
