package dev.infra.plan;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import dev.infra.nats.NatsConfReload;
import dev.infra.nats.NatsStore;
import dev.infra.nats.StoreMove;
import dev.infra.observe.LiveEnv;
import dev.infra.observe.ObservedContainer;
import dev.infra.observe.ObservedHost;
import dev.infra.observe.PortConflicts;
import dev.infra.observe.ServiceHealth;
import dev.infra.observe.SlurmQueue;
import dev.infra.plan.Plan.EnvChange;
import dev.infra.plan.Plan.FileChange;
import dev.infra.plan.Plan.ServiceChange;
import dev.infra.release.Checkout;
import dev.infra.render.ComposeProject;
import dev.infra.render.DesiredRelease;
import dev.infra.render.DesiredFile;
import dev.infra.render.EnvFile;
import dev.infra.render.HostState;
import dev.infra.render.ManagedEnv;
import dev.infra.render.NatsServer;
import dev.infra.render.Renderer;
import dev.infra.secrets.Redaction;
import dev.infra.secrets.SecretRef;
import dev.infra.secrets.SecretValues;
import dev.infra.slurm.SlurmChange;
import dev.infra.slurm.SlurmPlanning;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Desired state + observed state → what must change on one host. Pure: no I/O, no clock; the same
 * inputs always give the same plan. Secrets are compared revealed and shown masked.
 */
public final class Planner {
    private Planner() {}

    public static Plan.HostPlan plan(HostState desired, ObservedHost observed, SecretValues secrets, String reach) {
        List<PortConflicts.Conflict> conflicts = PortConflicts.find(desired.projects(), observed.running());
        if (!conflicts.isEmpty()) {
            return new Plan.HostPlan(desired.host().name(), desired.host().roles().stream().map(r -> r.id()).toList(), reach,
                    List.of(), List.of(), Optional.of(desired.host().name() + ": " + String.join("; ",
                    conflicts.stream().map(PortConflicts.Conflict::describe).toList())));
        }
        List<FileChange> files = new ArrayList<>();
        for (DesiredFile f : desired.files()) {
            fileChange(f.path(), f.content(), observed.file(f.path()), secrets).ifPresent(files::add);
        }
        Map<String, List<String>> changedEnvKeys = new LinkedHashMap<>();
        for (ManagedEnv env : desired.env()) {
            envChange(env, observed.file(env.path()), secrets).ifPresent(change -> {
                files.add(change);
                changedEnvKeys.put(env.path(), change.env().stream().map(EnvChange::key).toList());
            });
        }
        List<ServiceChange> services = new ArrayList<>();
        for (ComposeProject p : desired.projects()) {
            services.addAll(services(p, desired, observed, files, changedEnvKeys, secrets));
        }
        Optional<String> error = Optional.empty();
        List<Plan.VersionChange> versions = new ArrayList<>();
        for (DesiredRelease r : desired.releases()) {
            Optional<Checkout> c = observed.checkout(r.project().name());
            if (c.isEmpty() || c.get().problem().isPresent()) {
                error = Optional.of(desired.host().name() + ": " + r.dir() + ": " + c.flatMap(Checkout::problem).orElse("the checkout was not read"));
                continue;
            }
            Checkout now = c.get();
            if (now.atTarget()) {
                continue;
            }
            versions.add(new Plan.VersionChange(r.project().name(), r.dir(), r.release().remote(), r.release().ref(), now.head(),
                    now.target().orElseThrow(), now.ahead(), now.behind(), now.log(), now.modified(), now.published(),
                    r.runsCommand() && now.ahead() > 0 ? r.release().command().map(cmd -> cmd.text() + " (in a new " + cmd.service() + " container)") : Optional.empty(),
                    now.headTag()));
            // The release command is for a version that gains commits (migrations); going back runs none.
            // Every service of the project runs the new version: rebuilt where it builds, recreated.
            services.removeIf(s -> s.project().equals(r.project().name()));
            String at = Checkout.shortSha(now.target().orElseThrow()) + " (" + r.release().ref() + ")";
            r.project().running().forEach(s -> services.add(new ServiceChange(r.project().name(), s.name(), Action.REPLACE, Reason.NEW_VERSION,
                    "runs " + at)));
        }
        List<SlurmChange> slurm = List.of();
        if (desired.duties().slurm().isPresent()) {
            SlurmQueue queue = observed.slurm().orElse(new SlurmQueue(List.of(), Optional.of("squeue was not read")));
            if (queue.error().isPresent()) {
                error = Optional.of(desired.host().name() + ": " + queue.error().get());
            } else {
                slurm = SlurmPlanning.changes(desired.duties().slurm().get(), slurmDigests(desired), queue.jobs());
            }
        }
        return new Plan.HostPlan(desired.host().name(), desired.host().roles().stream().map(r -> r.id()).toList(),
                reach, List.copyOf(files), List.copyOf(services), error, Optional.empty(), appChanges(desired, observed, services),
                slurm, List.copyOf(versions));
    }

    /**
     * A new version whose release command runs on a host this plan does not cover (`--limit` left it
     * out) would roll out without its migrations: such hosts' plans become errors naming the host to
     * include. The command belongs to every deployment shipped from the same remote (the workers run
     * the app host's code, so the app host's migration is theirs too).
     */
    public static List<Plan.HostPlan> releaseCommandHostsPlanned(List<Plan.HostPlan> plans, Collection<HostState> fleet) {
        Set<String> planned = plans.stream().map(Plan.HostPlan::host).collect(Collectors.toSet());
        List<Plan.HostPlan> out = new ArrayList<>();
        for (Plan.HostPlan hp : plans) {
            Optional<String> missing = hp.versions().stream().filter(v -> v.ahead() > 0)
                    .flatMap(v -> fleet.stream().flatMap(s -> s.releases().stream())
                            .filter(r -> r.release().remote().equals(v.remote()))
                            .flatMap(r -> r.release().command().stream()))
                    .filter(c -> !planned.contains(c.host()))
                    .map(c -> hp.host() + ": the release command `" + c.text() + "` of this version runs on " + c.host()
                            + ", which --limit leaves out: include " + c.host() + " (it runs first), or apply without --limit")
                    .findFirst();
            out.add(missing.isEmpty() || hp.error().isPresent() ? hp : new Plan.HostPlan(hp.host(), hp.roles(), hp.reach(), hp.files(),
                    hp.services(), missing, hp.storeMove(), hp.notes(), hp.slurm(), hp.versions()));
        }
        return out;
    }

    /** Each worker group's script digest, as the desired script carries it. */
    static Map<String, String> slurmDigests(HostState desired) {
        Map<String, String> out = new LinkedHashMap<>();
        desired.duties().slurm().ifPresent(c -> c.workers().keySet().forEach(g -> desired.files().stream()
                .filter(f -> f.path().equals(c.scriptPath(g))).findFirst()
                .flatMap(f -> Renderer.slurmDigest(f.content())).ifPresent(d -> out.put(g, d))));
        return out;
    }

    /** The NATS server this plan recreates, if it recreates one: only then can its JetStream store move. */
    public static Optional<NatsServer> recreatedNatsServer(Plan.HostPlan plan, HostState desired) {
        return desired.duties().natsServer().filter(server -> plan.services().stream().anyMatch(s -> s.project().equals(server.project())
                && s.service().equals(server.service()) && s.action() == Action.REPLACE));
    }

    /**
     * True when recreating {@code server} turns a standalone server into a cluster member: its running
     * nats.conf has no cluster, the desired one has.
     */
    public static boolean joinsCluster(HostState desired, ObservedHost observed, NatsServer server) {
        return desired.projects().stream().filter(p -> p.nats() && p.name().equals(server.project()))
                .flatMap(p -> natsConfs(p, desired, observed).stream())
                .anyMatch(c -> !c.now().isEmpty() && NatsConfReload.formsCluster(c.now(), c.wanted()));
    }

    /** A NATS project's config file as the host has it ("" when absent) and as the desired state renders it. */
    private record NatsConf(String now, String wanted) {}

    private static List<NatsConf> natsConfs(ComposeProject p, HostState desired, ObservedHost observed) {
        return p.reloadableConfig().stream().flatMap(path -> desired.files().stream().filter(f -> f.path().equals(path))
                .map(f -> new NatsConf(observed.file(path).orElse(""), f.content()))).toList();
    }

    /**
     * The plan with the store move that recreating {@code server} means: its live store is elsewhere
     * ({@code store}), or it joins a cluster that takes its streams as {@code joinReplicas} replicas (0: it does not).
     */
    public static Plan.HostPlan withStoreMove(Plan.HostPlan plan, NatsServer server, NatsStore store, int joinReplicas) {
        Plan.StoreMove move = new Plan.StoreMove(server.service(), store.container(), store.liveStoreDir(), StoreMove.volumeName(server),
                StoreMove.targetDir(server), store.snapshot(), store.unreadable(), joinReplicas);
        return new Plan.HostPlan(plan.host(), plan.roles(), plan.reach(), plan.files(), plan.services(), plan.error(), Optional.of(move),
                plan.notes(), plan.slurm(), plan.versions());
    }

    static Optional<FileChange> fileChange(String path, String desired, Optional<String> observed, SecretValues secrets) {
        String wanted = secrets.reveal(desired);
        if (observed.isPresent() && observed.get().equals(wanted)) {
            return Optional.empty();
        }
        String before = observed.map(secrets::mask).orElse("");
        String after = secrets.mask(wanted);
        Action action = observed.isPresent() ? Action.UPDATE : Action.CREATE;
        String diff = unifiedDiff(path, observed.isPresent() ? before : null, after);
        return Optional.of(new FileChange(path, action, Redaction.diff(redactSecretLines(diff, desired)), List.of()));
    }

    static Optional<FileChange> envChange(ManagedEnv env, Optional<String> observed, SecretValues secrets) {
        Map<String, String> current = observed.map(EnvFile::values).orElse(Map.of());
        List<EnvChange> changes = new ArrayList<>();
        for (Map.Entry<String, String> e : env.entries().entrySet()) {
            String wanted = secrets.reveal(e.getValue());
            String now = current.get(e.getKey());
            if (wanted.equals(now)) {
                continue;
            }
            boolean sensitive = secrets.isSensitive(e.getValue());
            Optional<String> before = Optional.ofNullable(now).map(v -> sensitive ? "(sensitive)" : secrets.mask(v));
            String after = sensitive ? "(sensitive)" : e.getValue();
            changes.add(new EnvChange(e.getKey(), now == null ? Action.CREATE : Action.UPDATE, before, after, sensitive));
        }
        if (changes.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new FileChange(env.path(), observed.isPresent() ? Action.UPDATE : Action.CREATE, "", List.copyOf(changes)));
    }

    private static List<ServiceChange> services(ComposeProject p, HostState desired, ObservedHost observed,
                                                List<FileChange> files, Map<String, List<String>> changedEnvKeys,
                                                SecretValues secrets) {
        boolean composeChanged = files.stream().anyMatch(f -> f.path().equals(p.composePath()));
        List<String> envKeys = new ArrayList<>();
        p.envFiles().forEach(f -> envKeys.addAll(changedEnvKeys.getOrDefault(f, List.of())));
        boolean confChanged = p.nats() && !composeChanged
                && files.stream().anyMatch(f -> p.reloadableConfig().contains(f.path()));
        // nats-server keeps its old settings when SIGHUP brings one it cannot reload: those need a restart.
        List<String> needRestart = !confChanged ? List.of() : natsConfs(p, desired, observed).stream()
                .flatMap(c -> NatsConfReload.needRestart(c.now(), c.wanted()).stream()).distinct().toList();
        boolean reloadOnly = confChanged && needRestart.isEmpty();
        Map<String, String> required = new LinkedHashMap<>();
        p.requiredEnv().forEach((k, v) -> required.put(k, secrets.reveal(v)));
        List<ServiceChange> out = new ArrayList<>();
        for (ComposeProject.Service s : p.running()) {
            List<ObservedContainer> containers = observed.containers(p.name(), s.name());
            ServiceHealth.Verdict health = ServiceHealth.judge(p.name() + "/" + s.name(), s.scale(), containers);
            List<LiveEnv.Mismatch> stale = LiveEnv.mismatches(containers, required);
            Optional<String> oldImage = containers.stream().filter(ObservedContainer::running).map(ObservedContainer::image)
                    .filter(i -> !i.isEmpty() && !i.equals(s.image())).findFirst();
            Reason reason;
            String detail;
            Action action;
            if (health.kind() == ServiceHealth.Kind.MISSING) {
                action = Action.CREATE;
                reason = Reason.NOT_RUNNING;
                detail = "not running";
            } else if (composeChanged && oldImage.isPresent()) {
                action = Action.REPLACE;
                reason = Reason.IMAGE_CHANGED;
                detail = "compose file changed: image " + oldImage.get() + " -> " + s.image();
            } else if (composeChanged) {
                action = Action.REPLACE;
                reason = Reason.COMPOSE_CHANGED;
                detail = "compose file changed";
            } else if (!envKeys.isEmpty()) {
                action = Action.REPLACE;
                reason = Reason.ENV_CHANGED;
                detail = String.join(", ", envKeys) + " changed in the env file";
            } else if (!needRestart.isEmpty() && s.name().equals(p.services().get(0).name())) {
                action = Action.REPLACE;
                reason = Reason.CONF_NEEDS_RESTART;
                detail = "nats.conf changes " + String.join(", ", needRestart) + ", which nats-server cannot reload: restart";
            } else if (reloadOnly && s.name().equals(p.services().get(0).name())) {
                action = Action.RELOAD;
                reason = Reason.CONF_ONLY_RELOAD;
                detail = "nats.conf changed: reload (SIGHUP), no restart";
            } else if (health.kind() == ServiceHealth.Kind.TOO_FEW) {
                action = Action.START;
                reason = Reason.TOO_FEW_RUNNING;
                detail = health.running() + " of " + s.scale() + " running";
            } else if (!stale.isEmpty()) {
                LiveEnv.Mismatch m = stale.get(0);
                action = Action.REPLACE;
                reason = Reason.STALE_ENVIRONMENT;
                detail = "running with an old environment: " + m.key() + (m.missing() ? " missing in " : " differs in ")
                        + m.container().name();
            } else if (observed.pendingRestarts().contains(p.name() + "/" + s.name())) {
                action = Action.REPLACE;
                reason = Reason.PENDING_RESTART;
                detail = "restart left due by an interrupted apply";
            } else {
                continue;
            }
            out.add(new ServiceChange(p.name(), s.name(), action, reason, detail));
        }
        return out;
    }

    /**
     * The app's own changes, seen but not infra's to make: a service of an app-owned compose project
     * whose running containers were created from another configuration than compose computes now (its
     * file was edited or pulled since), unless this plan recreates it anyway.
     */
    static List<String> appChanges(HostState desired, ObservedHost observed, List<ServiceChange> planned) {
        List<String> notes = new ArrayList<>();
        for (ComposeProject p : desired.projects()) {
            if (!p.appOwned()) {
                continue;
            }
            for (ComposeProject.Service s : p.running()) {
                boolean recreated = planned.stream().anyMatch(c -> c.project().equals(p.name()) && c.service().equals(s.name()));
                Optional<String> now = observed.configHash(p.name(), s.name());
                boolean differs = now.isPresent() && observed.containers(p.name(), s.name()).stream()
                        .anyMatch(c -> c.running() && !c.configHash().isEmpty() && !c.configHash().equals(now.get()));
                if (differs && !recreated) {
                    notes.add(p.name() + "/" + s.name() + ": the app's " + p.composeFile() + " (or what it interpolates) changed since its"
                            + " containers were created — the app's own change, left to its deploy (`up -d`)");
                }
            }
        }
        return notes;
    }

    /**
     * Masking knows today's secret values only: after a rotation the old value on the host is
     * unknown, so every changed line whose desired form carries a secret (its "key:" or "KEY=" part)
     * is shown as (sensitive), whatever it holds.
     */
    static String redactSecretLines(String diff, String desired) {
        List<String> prefixes = new ArrayList<>();
        for (String line : desired.split("\n")) {
            if (SecretRef.containsAny(line)) {
                int cut = Math.max(line.indexOf(':'), line.indexOf('='));
                int first = line.indexOf(':') >= 0 && line.indexOf('=') >= 0 ? Math.min(line.indexOf(':'), line.indexOf('=')) : cut;
                prefixes.add(first >= 0 ? line.substring(0, first + 1) : line);
            }
        }
        if (prefixes.isEmpty()) {
            return diff;
        }
        StringBuilder out = new StringBuilder();
        for (String line : diff.split("\n", -1)) {
            boolean change = (line.startsWith("+") && !line.startsWith("+++")) || (line.startsWith("-") && !line.startsWith("---"))
                    || line.startsWith(" ");
            String body = line.isEmpty() ? "" : line.substring(1);
            String prefix = change ? prefixes.stream().filter(body::startsWith).findFirst().orElse(null) : null;
            out.append(prefix == null ? line : line.charAt(0) + prefix + " (sensitive)").append('\n');
        }
        return out.substring(0, out.length() - 1);
    }

    static String unifiedDiff(String path, String before, String after) {
        List<String> a = before == null ? List.of() : lines(before);
        List<String> b = lines(after);
        List<String> diff = UnifiedDiffUtils.generateUnifiedDiff(before == null ? "/dev/null" : path, path, a,
                DiffUtils.diff(a, b), 3);
        StringBuilder out = new StringBuilder();
        for (String line : diff) {
            out.append(line).append('\n');
        }
        if (before != null && !before.isEmpty() && !before.endsWith("\n") && after.endsWith("\n")) {
            out.append("\\ (the old file had no newline at its end)\n");
        }
        return out.toString();
    }

    private static List<String> lines(String text) {
        if (text.isEmpty()) {
            return List.of();
        }
        String body = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        return Arrays.asList(body.split("\n", -1));
    }
}
