package dev.infra.fleet;

import dev.infra.diag.Messages;
import dev.infra.inventory.Host;
import dev.infra.inventory.Inventory;
import dev.infra.nats.ClusterReport;
import dev.infra.nats.JetStreamReport;
import dev.infra.nats.JetStreamSnapshot;
import dev.infra.nats.NatsAdmin;
import dev.infra.nats.NatsMonitor;
import dev.infra.nats.NatsStore;
import dev.infra.nats.StoreMove;
import dev.infra.observe.EngineApi;
import dev.infra.observe.ObservedContainer;
import dev.infra.observe.ObservedHost;
import dev.infra.observe.Observer;
import dev.infra.plan.Plan;
import dev.infra.plan.Planner;
import dev.infra.render.DesiredFile;
import dev.infra.render.DesiredFleet;
import dev.infra.render.HostState;
import dev.infra.render.ManagedEnv;
import dev.infra.render.NatsServer;
import dev.infra.render.Renderer;
import dev.infra.secrets.SecretResolver;
import dev.infra.secrets.SecretValues;
import dev.infra.ssh.Background;
import dev.infra.ssh.ChannelRefused;
import dev.infra.ssh.EndpointResolver;
import dev.infra.ssh.ExecResult;
import dev.infra.ssh.Remote;
import dev.infra.ssh.SshException;
import dev.infra.ssh.SshPool;
import dev.infra.units.Durations;
import dev.infra.units.Hashing;
import dev.infra.verify.CheckResult.Outcome;
import dev.infra.verify.ClusterJudge;
import dev.infra.verify.Status;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * The edge between the pure core and the hosts: renders the desired state, reads each host's
 * state over one SSH connection per host (hosts in parallel, bounded), and plans.
 */
public final class Fleet implements AutoCloseable {
    public static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

    private final Inventory inventory;
    private DesiredFleet desired;
    private final SecretValues secrets;
    private final SshPool pool = new SshPool();
    private final EndpointResolver endpoints;
    private final int parallel;
    /** Hosts whose sshd refused to forward their engine's socket this run: their own curl or CLI reads it. */
    private final Set<String> engineNotForwarded = ConcurrentHashMap.newKeySet();
    /** The connections opening ahead of the work ({@link #Fleet(Inventory, Renderer, SecretResolver, int, List)}). */
    private ExecutorService ahead;

    public Fleet(Inventory inventory, Renderer renderer, SecretResolver resolver, int parallel) {
        this(inventory, renderer, resolver, parallel, List.of());
    }

    /**
     * A fleet whose work will be on {@code ahead}: their SSH connections (jump hosts first) open
     * while the fleet renders, {@code parallel} at a time, on threads of their own. A connection
     * that fails is remembered and reported by whatever reads that host, as if it had been opened
     * then. Measured on the lab (one host through the bastion): the two handshakes took 0.35 s of a
     * 1 s plan, rendering 0.15 s, and loading the SSH client's cryptography 0.08 s.
     */
    public Fleet(Inventory inventory, Renderer renderer, SecretResolver resolver, int parallel, List<Host> ahead) {
        this.inventory = inventory;
        this.endpoints = new EndpointResolver(inventory);
        this.parallel = Math.max(1, parallel);
        connectAhead(ahead);
        try {
            this.desired = renderer.renderFleet(inventory);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        List<String> texts = new ArrayList<>();
        for (HostState s : desired.hosts().values()) {
            s.files().stream().map(DesiredFile::content).forEach(texts::add);
            s.env().stream().map(ManagedEnv::entries).forEach(e -> texts.addAll(e.values()));
        }
        this.secrets = SecretValues.resolveAll(texts, resolver);
    }

    private void connectAhead(List<Host> hosts) {
        if (hosts.isEmpty()) {
            return;
        }
        ahead = Executors.newFixedThreadPool(Math.min(parallel, hosts.size()), task -> {
            Thread t = new Thread(task, "infra-connect");
            t.setDaemon(true);
            return t;
        });
        for (Host h : hosts) {
            ahead.execute(() -> {
                try {
                    remote(h);
                } catch (RuntimeException | Error remembered) {
                    // the pool keeps the failure: whoever reads this host reports it
                }
            });
        }
        ahead.shutdown();
    }

    /**
     * From now on, these hosts' checkouts are wanted at other refs (host → tag, branch or commit):
     * a rollback plans and applies against them through the same path as any change.
     */
    public void rollbackTo(Map<String, String> refs) {
        desired = desired.rollbackTo(refs);
    }

    public Inventory inventory() { return inventory; }
    public SecretValues secrets() { return secrets; }
    public HostState desired(String host) { return desired.host(host); }
    public DesiredFleet desiredFleet() { return desired; }

    /** The inventory's host of that name (names come from the desired state, so it exists). */
    public Host host(String name) {
        return inventory.host(name).orElseThrow(() -> new IllegalArgumentException("no host " + name + " in " + inventory.file()));
    }

    public Remote remote(Host host) {
        return pool.connect(endpoints.resolve(host));
    }

    /** The key {@code host} presents, read without trusting it or logging in. */
    public SshPool.HostKey presentedKey(Host host) {
        return pool.presentedKey(endpoints.resolve(host));
    }

    /** Trusts {@code key} for {@code host} for this run only (onboarding, before it is pinned). */
    public void trustForThisRun(Host host, SshPool.HostKey key) {
        pool.trustForThisRun(endpoints.resolve(host), key);
    }

    public Path knownHostsFile(Host host) {
        return endpoints.resolve(host).knownHosts();
    }

    /** What one host has, or why it could not be read. */
    public record Observation(Host host, Optional<ObservedHost> state, Optional<String> error) {}

    public List<Observation> observe(List<Host> hosts) {
        return forEach(hosts, h -> read(h, true));
    }

    /** Only the containers of {@code h}'s compose projects (a health gate's poll, verify's service checks): no file bytes. */
    public Observation observeContainers(Host h) {
        return read(h, false);
    }

    /**
     * One read of a host: its command, and at the same time, where it has compose projects, its
     * engine's containers through the connection ({@link EngineApi}), used when the host says that is
     * its CLI's engine. A host whose sshd refuses to forward the engine's socket is read by its own
     * curl or docker CLI from then on (one more round trip, once).
     */
    private Observation read(Host h, boolean whole) {
        HostState d = desired.host(h.name());
        try {
            Remote remote = remote(h);
            boolean forwarded = !d.projects().isEmpty() && !engineNotForwarded.contains(h.name());
            CompletableFuture<String> engine = forwarded
                    ? CompletableFuture.supplyAsync(() -> EngineApi.inspectAll(request -> remote.exchange(EngineApi.SOCKET, request,
                            COMMAND_TIMEOUT)), Background.THREAD_PER_TASK)
                    : CompletableFuture.completedFuture("");
            ExecResult r = remote.run(whole ? Observer.command(d, forwarded) : Observer.containersCommand(d, forwarded), COMMAND_TIMEOUT);
            if (!r.ok()) {
                return new Observation(h, Optional.empty(), Optional.of("reading its state failed: " + r.reason()));
            }
            String containers = "";
            if (Observer.asksEngine(r.stdout())) {
                try {
                    containers = engine.join();
                } catch (CompletionException e) {
                    if (!(e.getCause() instanceof ChannelRefused)) {
                        throw e.getCause() instanceof RuntimeException re ? re : e;
                    }
                    engineNotForwarded.add(h.name());
                    ExecResult c = remote.run(Observer.inspectCommand(), COMMAND_TIMEOUT);
                    if (!c.ok()) {
                        return new Observation(h, Optional.empty(), Optional.of("reading its containers failed: " + c.reason()));
                    }
                    containers = c.stdout();
                }
            }
            return new Observation(h, Optional.of(Observer.parse(h.name(), r.stdout(), containers)), Optional.empty());
        } catch (SshException e) {
            return new Observation(h, Optional.empty(), Optional.of(e.getMessage()));
        } catch (RuntimeException e) {
            return new Observation(h, Optional.empty(), Optional.of(h.name() + ": " + e.getMessage()));
        }
    }

    /**
     * The JetStream cluster's health as {@link ClusterJudge} sees it: every server's /jsz read in
     * parallel (a server that does not answer within {@code timeout} counts as down). verify's cluster check.
     */
    public Outcome clusterHealth(Duration timeout) {
        return ClusterJudge.judge(clusterReports(timeout), natsServerNames(), inventory.policy());
    }

    /** Whether the cluster can afford one server away now ({@link ClusterJudge#readyToRoll}), from reports already read. */
    public Outcome clusterReady(List<ClusterReport> reports) {
        return ClusterJudge.readyToRoll(reports, natsServerNames(), inventory.policy());
    }

    /**
     * Waits up to {@code within} until the cluster can afford one server away (apply, before and
     * between the servers it changes, and before restoring streams into a cluster just formed); the last verdict.
     */
    public Outcome awaitClusterReady(Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        Outcome o = clusterReady(clusterReports(Duration.ofSeconds(5)));
        while (o.status() != Status.OK && System.nanoTime() < deadline) {
            Durations.pause(Duration.ofSeconds(1));
            o = clusterReady(clusterReports(Duration.ofSeconds(5)));
        }
        return o;
    }

    /** The first NATS server (in the inventory's order) whose monitoring answers; empty when none does. */
    public Optional<NatsServer> answeringNatsServer() {
        List<String> answering = clusterReports(Duration.ofSeconds(5)).stream().map(ClusterReport::server).toList();
        return desired.natsServers().stream().filter(s -> answering.contains(s.host())).findFirst();
    }

    private List<String> natsServerNames() {
        return desired.natsServers().stream().map(NatsServer::host).toList();
    }

    /** What each NATS server that answers within {@code timeout} says of the cluster (none: no server runs yet). */
    public List<ClusterReport> clusterReports(Duration timeout) {
        Map<String, NatsServer> byHost = new LinkedHashMap<>();
        desired.natsServers().forEach(s -> byHost.put(s.host(), s));
        return forEach(byHost.keySet().stream().map(this::host).toList(), h -> {
            try {
                return Optional.of(ClusterReport.parse(h.name(), NatsMonitor.clusterJsz(remote(h), byHost.get(h.name()).monitorPort(), timeout)));
            } catch (IOException | RuntimeException e) {
                return Optional.<ClusterReport>empty();
            }
        }).stream().flatMap(Optional::stream).toList();
    }

    /**
     * JetStream through the first NATS server of the desired state that answers: any server of a
     * cluster serves the whole JetStream API.
     */
    public NatsAdmin jetStream(Duration timeout) throws IOException {
        List<String> failures = new ArrayList<>();
        for (NatsServer server : desired.natsServers()) {
            try {
                return new NatsAdmin(remote(host(server.host())), inventory, secrets, timeout);
            } catch (IOException | RuntimeException e) {
                failures.add(e.getMessage());
            }
        }
        throw new IOException(failures.isEmpty() ? "the inventory has no NATS server" : String.join("; ", failures));
    }

    /**
     * Where the running NATS server of {@code h} keeps JetStream, when that is not where the desired
     * state puts it (so recreating it would start empty), with what the store holds. Empty when the
     * host runs no NATS, none is running, or its store is already in place.
     */
    public Optional<NatsStore> misplacedStore(Host h, ObservedHost o) {
        return storeAtStake(h, o, false);
    }

    /**
     * The running server's store with what it holds, when recreating it loses that: it is misplaced,
     * or ({@code joining}) the server joins a cluster, which never takes a standalone server's streams.
     */
    private Optional<NatsStore> storeAtStake(Host h, ObservedHost o, boolean joining) {
        Optional<NatsServer> server = desired.host(h.name()).duties().natsServer();
        if (server.isEmpty()) {
            return Optional.empty();
        }
        Optional<ObservedContainer> running = o.containers(server.get().project(), server.get().service()).stream()
                .filter(ObservedContainer::running).findFirst();
        if (running.isEmpty()) {
            return Optional.empty();
        }
        ObservedContainer c = running.get();
        try {
            JetStreamReport report = NatsMonitor.read(remote(h), server.get().monitorPort(), Duration.ofSeconds(5));
            if (!report.enabled() || (!joining && !StoreMove.needed(report.storeDir(), c.mounts(), server.get()))) {
                return Optional.empty();
            }
            try (NatsAdmin admin = new NatsAdmin(remote(h), inventory, secrets, Duration.ofSeconds(10))) {
                return Optional.of(new NatsStore(c.name(), report.storeDir(), JetStreamSnapshot.of(admin.streams()), ""));
            }
        } catch (IOException | RuntimeException e) {
            if (!joining && !StoreMove.needed(StoreMove.targetDir(server.get()), c.mounts(), server.get())) {
                return Optional.empty();   // not answering, but on the desired volume already: a recreate keeps its store
            }
            return Optional.of(NatsStore.unreadable(c.name(), Messages.of(e)));
        }
    }

    public Plan plan(List<Observation> observations) {
        Map<String, String> fingerprints = new TreeMap<>();
        observations.forEach(o -> o.state().ifPresent(s -> fingerprints.put(o.host().name(), fingerprint(s))));
        // Planning is pure; only a plan that recreates a NATS server needs to ask that server where its store is.
        Map<Host, Observation> byHost = new LinkedHashMap<>();
        observations.forEach(o -> byHost.put(o.host(), o));
        List<Plan.HostPlan> hosts = forEach(List.copyOf(byHost.keySet()), h -> {
            Observation o = byHost.get(h);
            if (o.state().isEmpty()) {
                return new Plan.HostPlan(h.name(), h.roles().stream().map(r -> r.id()).toList(), h.reachedHow(), List.of(), List.of(),
                        o.error());
            }
            HostState d = desired.host(h.name());
            Plan.HostPlan hp = Planner.plan(d, o.state().get(), secrets, h.reachedHow());
            Optional<NatsServer> recreated = Planner.recreatedNatsServer(hp, d);
            boolean joins = recreated.isPresent() && Planner.joinsCluster(d, o.state().get(), recreated.get());
            return recreated.flatMap(server -> storeAtStake(h, o.state().get(), joins))
                    // validate keeps replicas within the cluster's size
                    .map(store -> Planner.withStoreMove(hp, recreated.get(), store, joins ? inventory.policy().replicas() : 0)).orElse(hp);
        });
        return new Plan(Plan.FORMAT_VERSION, inventory.file().toString(), Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                Planner.releaseCommandHostsPlanned(hosts, desired.hosts().values()), fingerprints);
    }

    /** A hash of everything the plan depended on, so a saved plan can tell that the host moved on. */
    public String fingerprint(ObservedHost o) {
        StringBuilder s = new StringBuilder();
        new TreeMap<>(o.files()).forEach((p, c) -> s.append(p).append('\0').append(c.map(secrets::mask).orElse("<absent>")).append('\0'));
        o.containers().forEach(c -> s.append(c.project()).append('/').append(c.service()).append('/').append(c.name())
                .append('/').append(c.state()).append('/').append(secrets.mask(new TreeMap<>(c.env()).toString())).append('\0'));
        s.append(o.pendingRestarts());
        o.slurm().ifPresent(q -> q.jobs().forEach(j -> s.append('\0').append(j.id()).append('/').append(j.state())));
        new TreeMap<>(o.checkouts()).forEach((p, c) -> s.append('\0').append(p).append('@').append(c.head()).append('>')
                .append(c.target().orElse("")).append(c.modified()));
        return Hashing.sha256Hex(s.toString());
    }

    /** Identifies the desired state (inventory + templates, secrets as references) of these hosts: a saved plan records it. */
    public String desiredHash(List<Host> hosts, String salt) {
        Hashing.Sha256 h = new Hashing.Sha256();
        for (Host host : hosts) {
            HostState s = desired.host(host.name());
            s.files().forEach(f -> h.add(f.path()).add(f.content()));
            s.env().forEach(e -> h.add(e.path()).add(e.entries().toString()));
            s.releases().forEach(r -> h.add(r.dir()).add(r.release().remote()).add(r.release().ref()));
        }
        // The desired texts hold secret references; the values they resolve to count too, through an HMAC.
        h.add(secrets.digest(salt));
        return h.hex();
    }

    /** Runs {@code work} for every host, at most {@code parallel} at a time; results in host order. */
    public <T> List<T> forEach(List<Host> hosts, Function<Host, T> work) {
        if (hosts.isEmpty()) {
            return List.of();
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallel, hosts.size()));
        try {
            Map<Host, Future<T>> futures = new LinkedHashMap<>();
            for (Host h : hosts) {
                futures.put(h, pool.submit(() -> work.apply(h)));
            }
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures.values()) {
                out.add(f.get());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    @Override
    public void close() {
        if (ahead != null) {
            ahead.shutdownNow();  // connections not yet started never start
        }
        pool.close();
    }
}
