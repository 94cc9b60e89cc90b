package dev.infra.apply;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.infra.fleet.Fleet.Observation;
import dev.infra.fleet.Fleet;
import dev.infra.inventory.Host;
import dev.infra.inventory.Release;
import dev.infra.nats.ClusterReport;
import dev.infra.nats.NatsProbe;
import dev.infra.observe.ObservedHost;
import dev.infra.plan.Action;
import dev.infra.plan.Plan.FileChange;
import dev.infra.plan.Plan.HostPlan;
import dev.infra.plan.Plan.ServiceChange;
import dev.infra.plan.Plan;
import dev.infra.release.Checkout;
import dev.infra.release.ReleaseCommands;
import dev.infra.render.ComposeProject;
import dev.infra.render.DesiredRelease;
import dev.infra.render.DesiredFile;
import dev.infra.render.Duties;
import dev.infra.render.EnvFile;
import dev.infra.render.HostState;
import dev.infra.render.ManagedEnv;
import dev.infra.secrets.SecretRef;
import dev.infra.ssh.ExecResult;
import dev.infra.ssh.Remote;
import dev.infra.ssh.RemoteCommand;
import dev.infra.ssh.SshException;
import dev.infra.units.Durations;
import dev.infra.verify.CheckResult.Outcome;
import dev.infra.verify.Status;
import dev.infra.view.Progress;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Makes a plan so: NATS hosts first (and waits until JetStream is healthy), then the other hosts in
 * rolling batches, each host gated on its services running and its reach to NATS before the next
 * batch. A host that fails is put back on its backups; too many failures stop the rollout.
 */
public final class Applier {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Duration STEP_TIMEOUT = Duration.ofMinutes(5);
    static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(90);
    /** A release command (migrations) may take long; it is never cut off at a step's usual bound. */
    static final Duration RELEASE_COMMAND_TIMEOUT = Duration.ofMinutes(60);
    /** How long a step may run silently: after that, a line every so often says the host is still at it. */
    static final Duration PROGRESS_EVERY = Duration.ofSeconds(15);
    private static final ScheduledExecutorService TICKER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "apply-progress");
        t.setDaemon(true);
        return t;
    });

    /** @param allowDataLoss recreate NATS even when its JetStream store cannot be carried over */
    public record Options(String batch, int maxFail, String who, String command, boolean allowDataLoss) {
        public Options(String batch, int maxFail, String who, String command) {
            this(batch, maxFail, who, command, false);
        }
    }

    public record HostResult(String host, boolean ok, String detail) {}

    private final Fleet fleet;
    private final PrintWriter out;
    private final Options options;
    /** The step the host this thread applies is at (each host is applied on one thread). */
    private final ThreadLocal<Watch> watch = new ThreadLocal<>();
    private Progress progress = Progress.none();

    public Applier(Fleet fleet, PrintWriter out, Options options) {
        this.fleet = fleet;
        this.out = out;
        this.options = options;
    }

    /** Shows the rollout's state (batch i/n, hosts done and failed, the step of the latest host) as it goes. */
    public Applier withProgress(Progress progress) {
        this.progress = progress;
        return this;
    }

    public List<HostResult> apply(Plan plan, List<Observation> observations) {
        List<HostResult> results = rollout(plan, observations);
        // The release command's host took the new version before the rollout; if the rollout stopped
        // before it reached that host, its checkout goes back too: no host is left half on the new version.
        released.forEach((name, moved) -> {
            if (!reached.contains(name)) {
                Host host = fleet.inventory().hosts().get(name);
                say(host, "not reached by the rollout: " + putCheckoutBack(host, moved.version(), moved.compose()));
            }
        });
        out.flush();
        return results;
    }

    /** A checkout the release command moved before the rollout, and the compose its host runs. */
    private record Released(Plan.VersionChange version, String compose) {}

    /** Host → the checkout the release command moved there. */
    private final Map<String, Released> released = new LinkedHashMap<>();
    /** The hosts the rollout took in hand (whatever came of it): they own their checkout's fate. */
    private final Set<String> reached = ConcurrentHashMap.newKeySet();

    private List<HostResult> rollout(Plan plan, List<Observation> observations) {
        Map<String, ObservedHost> observed = new LinkedHashMap<>();
        observations.forEach(o -> o.state().ifPresent(s -> observed.put(o.host().name(), s)));
        List<Host> changing = new ArrayList<>();
        Map<String, HostPlan> byHost = new LinkedHashMap<>();
        for (HostPlan hp : plan.hosts()) {
            if (hp.hasChanges()) {
                byHost.put(hp.host(), hp);
                changing.add(fleet.inventory().hosts().get(hp.host()));
            }
        }
        List<HostResult> results = new ArrayList<>();
        // A standalone server that joins a cluster goes last: the new servers form the cluster first,
        // then it joins and its streams are restored into the whole cluster.
        List<Host> joining = changing.stream().filter(h -> runsNats(h) && joinsCluster(byHost.get(h.name()))).toList();
        List<Host> nats = new ArrayList<>(changing.stream().filter(h -> runsNats(h) && !joining.contains(h)).toList());
        nats.addAll(joining);
        List<Host> rest = changing.stream().filter(h -> !runsNats(h)).toList();
        // A running cluster changes one server at a time, and only while it is whole: before the first
        // server and between servers every peer must be current (a cluster still being formed has none running).
        List<ClusterReport> running = !nats.isEmpty() && joining.isEmpty() && fleet.desiredFleet().natsServers().size() > 1
                ? fleet.clusterReports(Duration.ofSeconds(5)) : List.of();
        boolean rolling = !running.isEmpty();
        if (rolling) {
            Outcome before = fleet.clusterReady(running);
            if (before.status() != Status.OK) {
                progress.println(out, "Not starting: the NATS cluster is not healthy (" + before.message() + "). A rolling change takes one server"
                        + " away at a time, which it cannot afford now; bring every server back first (infra verify shows which).");
                results.add(new HostResult(nats.get(0).name(), false, "the NATS cluster is not healthy before the change"));
                return results;
            }
        }
        // Everything that can refuse the whole change has had its say: now the release command, once.
        Optional<HostResult> refused = releaseCommand(byHost, observed);
        if (refused.isPresent()) {
            results.add(refused.get());
            return results;
        }
        for (Host h : nats) {
            HostResult r = applyHost(h, byHost.get(h.name()), observed.get(h.name()));
            results.add(r);
            if (r.ok() && rolling) {
                Optional<String> notWhole = clusterWholeAgain(h);
                if (notWhole.isPresent()) {
                    progress.println(out, "Stopping: after " + h.name() + " the NATS cluster is not whole again (" + notWhole.get()
                            + "); no other server is touched.");
                    results.set(results.size() - 1, new HostResult(h.name(), false, "the cluster did not become whole again"));
                    return results;
                }
            }
            if (!r.ok()) {
                progress.println(out, "Stopping: NATS must be healthy before anything that depends on it changes.");
                return results;
            }
        }
        int failed = 0;
        List<List<Host>> batches = Batches.split(rest, options.batch());
        for (int i = 0; i < batches.size(); i++) {
            List<Host> batch = batches.get(i);
            if (batches.size() > 1) {
                progress.println(out, "Batch " + (i + 1) + "/" + batches.size() + ": " + batch.stream().map(Host::name).toList());
            }
            String batchName = "batch " + (i + 1) + "/" + batches.size();
            int before = results.size();
            int failedBefore = failed;
            AtomicInteger doneInBatch = new AtomicInteger();
            AtomicInteger failedInBatch = new AtomicInteger();
            progress.update(batchName + ": " + before + " host(s) done, " + failed + " failed");
            List<HostResult> batchResults = fleet.forEach(batch, h -> {
                HostResult r = applyHost(h, byHost.get(h.name()), observed.get(h.name()));
                synchronized (doneInBatch) {   // counts reach the progress line in order
                    int f = failedBefore + (r.ok() ? failedInBatch.get() : failedInBatch.incrementAndGet());
                    progress.update(batchName + ": " + (before + doneInBatch.incrementAndGet()) + " host(s) done, " + f + " failed");
                }
                return r;
            });
            results.addAll(batchResults);
            failed += (int) batchResults.stream().filter(r -> !r.ok()).count();
            if (failed > options.maxFail()) {
                List<String> skipped = batches.subList(i + 1, batches.size()).stream().flatMap(List::stream).map(Host::name).toList();
                if (!skipped.isEmpty()) {
                    progress.println(out, "Stopping the rollout: " + failed + " host(s) failed (--max-fail " + options.maxFail()
                            + "). Not touched: " + String.join(", ", skipped) + ".");
                }
                break;
            }
        }
        out.flush();
        return results;
    }

    /** Waits until every server is back and current after {@code h} changed; why not, if it never is. */
    private Optional<String> clusterWholeAgain(Host h) {
        say(h, "waiting for the NATS cluster to be whole again");
        Outcome o = fleet.awaitClusterReady(HEALTH_TIMEOUT);
        if (o.status() != Status.OK) {
            return Optional.of(o.message());
        }
        say(h, "cluster whole: " + o.message());
        return Optional.empty();
    }

    private static boolean joinsCluster(HostPlan hp) {
        return hp.storeMove().map(Plan.StoreMove::joinsCluster).orElse(false);
    }

    private boolean runsNats(Host h) {
        return fleet.desired(h.name()).duties().natsServer().isPresent();
    }

    /** One host's apply, with a line every {@link #PROGRESS_EVERY} while a step takes long (a slow or frozen host is never silent). */
    private HostResult applyHost(Host host, HostPlan hp, ObservedHost observed) {
        reached.add(host.name());
        try (Watch w = new Watch(host)) {
            watch.set(w);
            return applyWatched(host, hp, observed);
        } finally {
            watch.remove();
        }
    }

    private final class Watch implements AutoCloseable {
        private volatile String step = "connecting";
        private volatile long since = System.nanoTime();
        private volatile long lastSaid = since;
        private final ScheduledFuture<?> tick;

        Watch(Host host) {
            long every = PROGRESS_EVERY.toNanos();
            tick = TICKER.scheduleAtFixedRate(() -> {
                long now = System.nanoTime();
                if (now - lastSaid >= every) {
                    lastSaid = now;
                    say(host, "still waiting (" + (now - since) / 1_000_000_000L + " s): " + step);
                }
            }, 1, 1, TimeUnit.SECONDS);
        }

        void at(String what) {
            step = what;
            since = System.nanoTime();
            lastSaid = since;
        }

        @Override
        public void close() {
            tick.cancel(false);
        }
    }

    private void step(String what) {
        Watch w = watch.get();
        if (w != null) {
            w.at(what);
        }
    }

    private HostResult applyWatched(Host host, HostPlan hp, ObservedHost observed) {
        Instant start = Instant.now();
        HostState desired = fleet.desired(host.name());
        Remote remote = fleet.remote(host);
        List<String> written = new ArrayList<>();
        List<String> done = new ArrayList<>();
        Optional<SlurmApply> slurm = desired.duties().slurm().map(c -> new SlurmApply(remote, c, line -> say(host, line)));
        Optional<StoreMover> mover = hp.storeMove().filter(Plan.StoreMove::readable).map(m -> new StoreMover(fleet, host, remote, m, line -> say(host, line)));
        List<Plan.VersionChange> movedTo = new ArrayList<>();
        // The release command already moved this host's checkout: a failure from here on puts it back too.
        Optional.ofNullable(released.get(host.name())).map(Released::version).filter(hp.versions()::contains).ifPresent(movedTo::add);
        try {
            for (Plan.VersionChange v : hp.versions()) {
                if (v.blocker().isPresent() && !movedTo.contains(v)) {
                    throw new StepFailed(v.blocker().get());
                }
            }
            for (Plan.VersionChange v : hp.versions()) {
                DesiredRelease r = desired.releaseOf(v.project()).orElseThrow();
                r.release().beforeHost().ifPresent(h -> must(remote, ReleaseCommands.hook("before this host", v.dir(), h), null));
                must(remote, ReleaseCommands.checkout(v.dir(), r.release(), v.to(), Optional.of(movedTo.contains(v) ? v.to() : v.from()), false),
                        null);
                if (!movedTo.contains(v)) {
                    movedTo.add(v);
                }
                say(host, "checked out " + v.range() + " (" + v.ref() + ") in " + v.dir());
                must(remote, ReleaseCommands.build(observed.compose(), r.project()), null);
                say(host, "built " + r.project().name() + " at " + Checkout.shortSha(v.to()));
                done.add("~ version " + v.project() + " " + v.range());
            }
            if (hp.storeMove().isPresent()) {
                Plan.StoreMove move = hp.storeMove().get();
                if (!move.readable() && !options.allowDataLoss()) {
                    throw new StepFailed("JetStream in " + move.container() + " could not be read (" + move.unreadable()
                            + "): recreating it may lose its streams. Nothing was changed; make NATS answer, or run again with"
                            + " --allow-data-loss");
                }
                if (mover.isPresent()) {
                    say(host, mover.get().stage());
                } else {
                    say(host, "WARNING: recreating " + move.container() + " without its JetStream store (--allow-data-loss)");
                }
            }
            Set<String> due = new LinkedHashSet<>();
            hp.services().forEach(s -> due.add(s.project() + "/" + s.service()));
            if (!due.isEmpty()) {
                must(remote, HostCommands.markPending(due), null);
            }
            for (FileChange f : hp.files()) {
                byte[] content = contentFor(f, desired, observed);
                // A file of infra's that carries a secret is the SSH user's alone, whatever mode it had; the
                // shared env file keeps the mode its owners gave it.
                boolean secret = !f.isEnv() && carriesSecrets(desired, f.path());
                must(remote, HostCommands.atomicWrite(f.path(), f.isEnv() || secret ? "0600" : "0644",
                        observed.fileSha256(f.path()), secret, content), content);
                written.add(f.path());
                done.add(f.action().symbol() + " " + f.path());
                say(host, (f.isEnv() ? "updated managed keys in " : "wrote ") + f.path());
            }
            for (ComposeProject p : desired.projects()) {
                List<ServiceChange> changes = hp.services().stream().filter(s -> s.project().equals(p.name())).toList();
                if (changes.isEmpty()) {
                    continue;
                }
                List<String> reload = names(changes, Action.RELOAD);
                List<String> recreate = names(changes, Action.REPLACE);
                List<String> toStart = new ArrayList<>(names(changes, Action.CREATE));
                toStart.addAll(names(changes, Action.START));
                for (String s : reload) {
                    must(remote, HostCommands.reload(observed.compose(), p, s), null);
                    say(host, "reloaded " + s + " (SIGHUP)");
                }
                if (mover.isPresent() && recreate.stream().anyMatch(s -> mover.get().moves(p, s))) {
                    mover.get().recreate(observed.compose(), p);
                    say(host, "recreated " + String.join(", ", recreate) + (mover.get().joinsCluster()
                            ? " as a cluster member; its streams are restored once the cluster is whole" : " with its JetStream store on the volume"));
                } else if (desired.releaseOf(p.name()).isPresent() && hp.version(p.name()).isPresent()) {
                    drain(host, remote, observed.compose(), desired.releaseOf(p.name()).get(), recreate);
                } else if (!recreate.isEmpty()) {
                    must(remote, HostCommands.up(observed.compose(), p, recreate, true), null);
                    boolean clusterMember = p.nats() && desired.duties().natsServer().map(n -> n.clusterSize() > 1).orElse(false);
                    say(host, "recreated " + String.join(", ", recreate) + (clusterMember
                            ? " (stopped in lame duck mode: its clients and stream leaders moved to the other servers first)" : ""));
                }
                if (!toStart.isEmpty()) {
                    must(remote, HostCommands.up(observed.compose(), p, toStart, false), null);
                    say(host, "started " + String.join(", ", toStart));
                }
                changes.forEach(c -> done.add(c.action().symbol() + " service " + c.project() + "/" + c.service()));
            }
            if (slurm.isPresent() && !hp.slurm().isEmpty()) {
                step("submitting and cancelling SLURM jobs");
                slurm.get().apply(hp.slurm(), HEALTH_TIMEOUT, done);
            }
            Optional<String> unhealthy = gate(host, remote, desired);
            if (unhealthy.isPresent()) {
                throw new StepFailed(unhealthy.get());
            }
            if (mover.isPresent()) {
                say(host, mover.get().check());
            }
            for (Plan.VersionChange v : movedTo) {
                Optional<String> after = desired.releaseOf(v.project()).flatMap(r -> r.release().afterHost());
                if (after.isPresent()) {
                    must(remote, ReleaseCommands.hook("after this host", v.dir(), after.get()), null);
                }
            }
        } catch (StepFailed | SshException e) {
            String reason = e.getMessage();
            say(host, "FAILED: " + reason);
            // The old version first (its checkout holds the compose file the services are brought back with), then the files.
            String versionBack = movedTo.isEmpty() ? "" : backToPrevious(host, remote, desired, observed, movedTo) + "; ";
            String rollback = versionBack + rollBack(host, remote, desired, observed, written, mover);
            String undone = slurm.map(SlurmApply::undo).orElse("");
            if (!undone.isEmpty()) {
                rollback = rollback + "; " + undone;
            }
            try {
                audit(remote, host, done, "failed", start, reason + "; " + rollback, hp.versions());
            } catch (RuntimeException ignored) {
                // the host may be unreachable; the local output still says what happened
            }
            return new HostResult(host.name(), false, reason + "; " + rollback);
        }
        // The host is healthy: bookkeeping that fails now is a warning, never a reason to roll it back.
        say(host, "healthy");
        try {
            remote.run(HostCommands.clearPending(), STEP_TIMEOUT);
            audit(remote, host, done, "ok", start, null, hp.versions());
        } catch (RuntimeException e) {
            say(host, "warning: could not record the audit line or clear due restarts: " + e.getMessage());
        }
        return new HostResult(host.name(), true, String.join("; ", done));
    }

    /** Bytes to write: the rendered file, or for the shared env file the merge with what is there. */
    private byte[] contentFor(FileChange f, HostState desired, ObservedHost observed) {
        if (f.isEnv()) {
            ManagedEnv env = desired.envFor(f.path()).orElseThrow();
            Map<String, String> revealed = new LinkedHashMap<>();
            env.entries().forEach((k, v) -> revealed.put(k, fleet.secrets().reveal(v)));
            return EnvFile.merge(observed.file(f.path()), revealed).getBytes(StandardCharsets.UTF_8);
        }
        DesiredFile file = desired.files().stream().filter(d -> d.path().equals(f.path())).findFirst().orElseThrow();
        return fleet.secrets().reveal(file.content()).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A NATS server: JetStream serving. Every host: each declared service up (healthy where it has a
     * healthcheck). A host whose containers must reach NATS: some NATS server answers from it.
     */
    private Optional<String> gate(Host host, Remote remote, HostState desired) {
        Duties duties = desired.duties();
        if (duties.natsServer().isPresent()) {
            step("waiting for JetStream to answer healthy");
            Optional<String> p = Health.natsProblem(remote, duties.natsServer().get(), HEALTH_TIMEOUT);
            if (p.isPresent()) {
                return p;
            }
        }
        step("waiting for its services to run healthy");
        long deadline = System.nanoTime() + HEALTH_TIMEOUT.toNanos();
        Optional<String> last = Optional.empty();
        Map<String, Integer> firstRestarts = new HashMap<>();
        long upSince = 0;
        while (System.nanoTime() < deadline) {
            Observation o = fleet.observeContainers(host);
            if (o.state().isEmpty()) {
                return o.error();
            }
            // A crash loop shows "running" between restarts: a restart while the gate watches is a failure.
            Optional<String> looping = Health.restartedSince(firstRestarts, o.state().get(), desired);
            if (looping.isPresent()) {
                return looping;
            }
            last = Health.notUp(o.state().get(), desired);
            if (last.isPresent()) {
                upSince = 0;
            } else if (upSince == 0) {
                upSince = System.nanoTime();
            }
            if (last.isEmpty() && System.nanoTime() - upSince >= Health.SETTLE.toNanos()) {
                break;
            }
            Durations.pause(Duration.ofSeconds(1));
        }
        if (last.isPresent()) {
            return last;
        }
        if (!duties.natsReach().isEmpty()) {
            return NatsProbe.check(remote, duties.natsReach(), fleet.inventory().nats().auth(), fleet.secrets(), Duration.ofSeconds(10))
                    .blocking();
        }
        return Optional.empty();
    }

    private String rollBack(Host host, Remote remote, HostState desired, ObservedHost observed, List<String> written,
                            Optional<StoreMover> mover) {
        if (written.isEmpty()) {
            if (mover.isPresent()) {
                try {
                    desired.projects().forEach(p -> mover.get().restore(observed.compose(), p));
                    return "nothing had been written; NATS runs again with its store";
                } catch (RuntimeException e) {
                    return "ROLLBACK FAILED (" + e.getMessage() + "); NATS may be stopped: docker start " + mover.get().container()
                            + " on " + host.name();
                }
            }
            return "nothing had been written";
        }
        try {
            // A project that did not exist before is taken down first: the host is left as it was.
            for (ComposeProject p : desired.projects()) {
                if (observed.file(p.composePath()).isEmpty() && written.contains(p.composePath())) {
                    step("rolling back: taking down " + p.name());
                    remote.run(HostCommands.down(observed.compose(), p), STEP_TIMEOUT);
                }
            }
            for (String path : written) {
                must(remote, HostCommands.restore(path, observed.file(path).isPresent()), null);
            }
            for (ComposeProject p : desired.projects()) {
                if (mover.isPresent() && mover.get().restore(observed.compose(), p)) {
                    say(host, "put the old NATS container back with its JetStream store");
                } else if (observed.file(p.composePath()).isPresent() || p.appOwned()) {
                    step("rolling back: starting " + p.name() + " as it was");
                    remote.run(HostCommands.up(observed.compose(), p,
                            p.running().stream().map(ComposeProject.Service::name).toList(), false),
                            STEP_TIMEOUT);
                }
            }
            remote.run(HostCommands.clearPending(), STEP_TIMEOUT);
            say(host, "rolled back to the previous files");
            return "rolled back to the previous files";
        } catch (RuntimeException e) {
            return "ROLLBACK FAILED (" + e.getMessage() + "); the previous files are at <file>" + HostCommands.BACKUP_SUFFIX;
        }
    }

    private void audit(Remote remote, Host host, List<String> done, String result, Instant start, String error,
                       List<Plan.VersionChange> versions) {
        ObjectNode line = JSON.createObjectNode();
        line.put("time", Instant.now().toString());
        line.put("who", options.who());
        line.put("command", options.command());
        line.put("host", host.name());
        line.put("result", result);
        line.put("duration_ms", Duration.between(start, Instant.now()).toMillis());
        done.forEach(line.putArray("changes")::add);
        if (error != null) {
            line.put("error", error);
        }
        if (!versions.isEmpty()) {
            ArrayNode releases = line.putArray("release");
            for (Plan.VersionChange v : versions) {
                ObjectNode r = releases.addObject().put("project", v.project()).put("ref", v.ref()).put("from", v.from()).put("to", v.to());
                v.fromTag().ifPresent(t -> r.put("from_ref", t));
            }
        }
        remote.run(HostCommands.audit(line.toString()), STEP_TIMEOUT);
    }

    /**
     * The release command, once, before anything rolls: on its host, the checkout moved to the new
     * version and built, then the command in a new container. If it fails, that checkout goes back and
     * nothing else is touched. Empty when there is none or it passed.
     */
    private Optional<HostResult> releaseCommand(Map<String, HostPlan> byHost, Map<String, ObservedHost> observed) {
        for (HostPlan hp : byHost.values()) {
            for (Plan.VersionChange v : hp.versions()) {
                if (v.command().isEmpty()) {
                    continue;
                }
                Host host = fleet.inventory().hosts().get(hp.host());
                DesiredRelease r = fleet.desired(host.name()).releaseOf(v.project()).orElseThrow();
                Remote remote = fleet.remote(host);
                String compose = observed.get(host.name()).compose();
                Release.Command c = r.release().command().orElseThrow();
                progress.println(out, "Release " + Checkout.shortSha(v.to()) + " (" + v.ref() + "): `" + c.text() + "` on " + host.name()
                        + ", once, before the rollout");
                boolean moved = false;
                try {
                    must(remote, ReleaseCommands.checkout(v.dir(), r.release(), v.to(), Optional.of(v.from()), false), null);
                    moved = true;
                    released.put(host.name(), new Released(v, compose));
                    must(remote, ReleaseCommands.build(compose, r.project()), null);
                    ExecResult result = remote.run(ReleaseCommands.run(compose, r.project(), c), null, RELEASE_COMMAND_TIMEOUT);
                    result.stdout().lines().forEach(l -> say(host, "| " + l));
                    if (!result.ok()) {
                        throw new StepFailed("the release command `" + c.text() + "` failed: " + result.reason());
                    }
                    say(host, "release command done");
                } catch (StepFailed | SshException e) {
                    String back = moved ? putCheckoutBack(host, v, compose) : "the checkout was not moved";
                    released.remove(host.name());
                    progress.println(out, "Stopping before the rollout: " + e.getMessage() + "; " + back + ". No host was changed.");
                    return Optional.of(new HostResult(host.name(), false, e.getMessage() + "; " + back));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Recreates a release's services on what its checkout now holds: each old container gets SIGTERM and
     * the service's release.drain (else the app file's stop_grace_period) to finish the task in hand
     * (celery's warm shutdown) before it is killed.
     */
    private void drain(Host host, Remote remote, String compose, DesiredRelease r, List<String> services) {
        Map<Optional<Duration>, List<String>> byGrace = new LinkedHashMap<>();
        services.forEach(s -> byGrace.computeIfAbsent(r.stopGracePeriod(s), g -> new ArrayList<>()).add(s));
        byGrace.forEach((grace, names) -> {
            must(remote, ReleaseCommands.recreate(compose, r.project(), names, grace), null);
            say(host, "recreated " + String.join(", ", names) + " on the new version" + grace.map(g -> " (each old container given "
                    + Durations.format(g) + " to finish its task)").orElse(""));
        });
    }

    /** The checkout back at the commit it left, and the project built from it again. */
    private void checkOutPrevious(Remote remote, DesiredRelease r, Plan.VersionChange v, String compose) {
        must(remote, ReleaseCommands.checkout(v.dir(), r.release(), v.from(), Optional.empty(), true), null);
        must(remote, ReleaseCommands.build(compose, r.project()), null);
    }

    /** Only the checkout back where it was, rebuilt (its services were never recreated on the new version). */
    private String putCheckoutBack(Host host, Plan.VersionChange v, String compose) {
        try {
            checkOutPrevious(fleet.remote(host), fleet.desired(host.name()).releaseOf(v.project()).orElseThrow(), v, compose);
            return "checkout put back at " + Checkout.shortSha(v.from());
        } catch (StepFailed | SshException e) {
            return "VERSION ROLLBACK FAILED (" + e.getMessage() + "); check out " + Checkout.shortSha(v.from()) + " in " + v.dir() + " by hand";
        }
    }

    /** Puts the checkouts back where they were, rebuilt, their services recreated on the old version. */
    private String backToPrevious(Host host, Remote remote, HostState desired, ObservedHost observed, List<Plan.VersionChange> moved) {
        List<String> back = new ArrayList<>();
        try {
            for (Plan.VersionChange v : moved) {
                DesiredRelease r = desired.releaseOf(v.project()).orElseThrow();
                step("rolling back: checking out " + Checkout.shortSha(v.from()));
                checkOutPrevious(remote, r, v, observed.compose());
                List<String> services = r.project().running().stream().map(ComposeProject.Service::name).toList();
                if (!services.isEmpty()) {
                    drain(host, remote, observed.compose(), r, services);
                }
                back.add(v.project() + " back at " + Checkout.shortSha(v.from()));
                say(host, "rolled back to " + Checkout.shortSha(v.from()) + " in " + v.dir());
            }
            return String.join(", ", back);
        } catch (RuntimeException e) {
            return "VERSION ROLLBACK FAILED (" + e.getMessage() + "); check out the previous commit by hand: " + String.join(", ",
                    moved.stream().map(v -> v.dir() + " at " + Checkout.shortSha(v.from())).toList());
        }
    }

    private static boolean carriesSecrets(HostState desired, String path) {
        return desired.files().stream().anyMatch(d -> d.path().equals(path) && SecretRef.containsAny(d.content()));
    }

    private void must(Remote remote, RemoteCommand command, byte[] stdin) {
        step(command.description());
        ExecResult r = remote.run(command, stdin, STEP_TIMEOUT);
        if (!r.ok()) {
            throw new StepFailed(command.description() + " failed: " + r.reason());
        }
    }

    private static List<String> names(List<ServiceChange> changes, Action action) {
        return changes.stream().filter(c -> c.action() == action).map(ServiceChange::service).toList();
    }

    private void say(Host host, String what) {
        progress.println(out, "  " + host.name() + ": " + what);
    }

    static final class StepFailed extends RuntimeException {
        StepFailed(String message) {
            super(message);
        }
    }
}
