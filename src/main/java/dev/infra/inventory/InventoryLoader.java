package dev.infra.inventory;

import dev.infra.diag.Diagnostics;
import dev.infra.diag.InvalidInputException;
import dev.infra.secrets.SecretResolver;
import dev.infra.units.ByteSize;
import dev.infra.yaml.Loc;
import dev.infra.yaml.MapReader;
import dev.infra.yaml.ReadContext;
import dev.infra.yaml.SafeYaml;
import dev.infra.yaml.SchemaRecord;
import dev.infra.yaml.Suggest;
import dev.infra.yaml.TextKind;
import java.nio.file.Path;
import dev.infra.units.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads an inventory file into an {@link Inventory}. The reads below are the format's schema: a key
 * no reader asks for is an error. inventory/example.yml documents every key read here, and a test
 * keeps the two in step.
 */
public final class InventoryLoader {
    /** What a host may be called: the rule validate applies, and `infra import` too. */
    public static final Pattern HOST_NAME = Pattern.compile("[a-z0-9]([a-z0-9.-]*[a-z0-9])?");
    static final Pattern VARIABLE_NAME = Pattern.compile("[a-z_][a-z0-9_]*");
    static final Pattern ENV_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    static final Pattern SERVICE_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");
    static final Pattern ALIAS_NAME = Pattern.compile("[a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?");

    private final Optional<SecretResolver> secrets;
    private final Map<String, String> overrides;

    /**
     * With a resolver every secret reference must resolve; without one, references are only parsed.
     * {@code overrides} replace declared variables (`--var NAME=VALUE`), e.g. a lab's free port.
     */
    public InventoryLoader(Optional<SecretResolver> secrets, Map<String, String> overrides) {
        this.secrets = secrets;
        this.overrides = Map.copyOf(overrides);
    }

    public InventoryLoader(Optional<SecretResolver> secrets) {
        this(secrets, Map.of());
    }

    public InventoryLoader(SecretResolver secrets) {
        this(Optional.of(secrets));
    }

    /** Loads and checks {@code file}; throws with every problem found when it is not usable. */
    public Inventory load(Path file) {
        ReadResult result = read(file);
        if (!result.diagnostics().isEmpty()) {
            throw new InvalidInputException(result.diagnostics());
        }
        return result.inventory();
    }

    /** Everything a read produced, usable or not; {@code inventory} is null when the YAML did not load. */
    public record ReadResult(Inventory inventory, Diagnostics diagnostics, SchemaRecord schema) {}

    public ReadResult read(Path file) {
        Diagnostics diags = new Diagnostics();
        Optional<Node> root = SafeYaml.load(file, diags);
        if (root.isEmpty()) {
            return new ReadResult(null, diags, new SchemaRecord());
        }
        ReadContext ctx = new ReadContext(file, diags);
        Inventory inventory = bind(ctx, MapReader.root(ctx, root.get()));
        new InventoryChecks(inventory, ctx, secrets).run();
        return new ReadResult(inventory, diags, ctx.schema());
    }

    private Inventory bind(ReadContext ctx, MapReader top) {
        LinkedHashMap<String, String> variables = top.stringMap("variables", VARIABLE_NAME,
                "variable names are lower_snake_case", TextKind.PLAIN);
        overrides.forEach((name, value) -> {
            if (variables.containsKey(name)) {
                variables.put(name, value);
            } else {
                ctx.error(top.locOf("variables"), "--var " + name + " overrides no variable of this inventory."
                        + Suggest.didYouMean(name, variables.keySet()), "declare it under `variables:` or fix the name");
            }
        });
        ctx.setVariables(variables);
        MapReader sshSection = top.map("ssh");
        SshDefaults defaults = readSshDefaults(sshSection);
        LinkedHashMap<String, Host> hosts = new LinkedHashMap<>();
        top.sections("hosts", HOST_NAME, "host names are lower-case letters, digits, '-' and '.'")
                .forEach((name, h) -> hosts.put(name, readHost(name, h, defaults)));
        if (!top.has("hosts")) {
            ctx.error(top.loc(), "the inventory has no `hosts:` section", "declare the fleet's hosts under `hosts:`");
        }
        NatsService nats = readNats(top.map("nats"));
        JetStreamPolicy policy = readPolicy(top.map("jetstream_policy"));
        LinkedHashMap<Role, Deployment> deployments = new LinkedHashMap<>();
        MapReader deploymentSection = top.map("deployments");
        for (Role role : List.of(Role.APP, Role.WORKER)) {
            if (deploymentSection.has(role.id())) {
                deployments.put(role, readDeployment(role, deploymentSection.map(role.id())));
            }
        }
        deploymentSection.finish();
        LinkedHashMap<String, HealthEndpoint> endpoints = new LinkedHashMap<>();
        top.sections("processing_services", SERVICE_NAME, "names are letters, digits, '-', '_' and '.'")
                .forEach((name, r) -> endpoints.put(name, readEndpoint(name, r)));
        LinkedHashMap<String, SlurmCluster> slurm = new LinkedHashMap<>();
        top.sections("slurm", HOST_NAME, "a SLURM cluster is named by its login host, a host name")
                .forEach((name, r) -> slurm.put(name, readSlurm(name, r)));
        top.finish();
        return new Inventory(ctx.file(), variables, hosts, nats, policy, deployments, endpoints, slurm, ctx.sourceMap());
    }

    // ---- ssh and hosts -----------------------------------------------------------------------

    private record SshDefaults(Optional<String> user, int port, Optional<String> identityFile, String knownHosts,
                               String configFile, Optional<String> via, Duration connectTimeout) {}

    private SshDefaults readSshDefaults(MapReader r) {
        SshDefaults d = new SshDefaults(
                r.optString("user"),
                r.integer("port", 22, 1, 65535),
                r.optString("identity_file"),
                r.string("known_hosts", "~/.ssh/known_hosts"),
                r.string("config", "~/.ssh/config"),
                r.optString("via"),
                r.duration("connect_timeout", Duration.ofSeconds(10)));
        r.finish();
        return d;
    }

    private Host readHost(String name, MapReader r, SshDefaults d) {
        Optional<String> address = r.optString("address");
        Optional<String> privateAddress = r.optString("private_address");
        Optional<String> alias = r.optString("ssh_alias");
        List<Role> roles = new ArrayList<>();
        List<String> roleIds = r.stringList("roles", TextKind.PLAIN);
        for (int i = 0; i < roleIds.size(); i++) {
            String id = roleIds.get(i);
            Optional<Role> role = Role.parse(id);
            if (role.isEmpty()) {
                r.context().error(r.context().sourceMap().at(r.child("roles") + "[" + i + "]"),
                        "unknown role '" + id + "' on host " + name + "." + Suggest.didYouMean(id, Role.ids()),
                        "roles are: " + String.join(", ", Role.ids()));
            } else if (!roles.contains(role.get())) {
                roles.add(role.get());
            }
        }
        if (!r.has("roles")) {
            r.context().error(r.loc(), "host " + name + " has no roles",
                    "add roles: [" + String.join("|", Role.ids()) + "] (one or more)");
        }
        Optional<String> via = r.optString("via");
        MapReader ssh = r.map("ssh");
        Optional<String> user = ssh.optString("user").or(d::user);
        int port = ssh.has("port") ? ssh.integer("port", d.port(), 1, 65535) : d.port();
        Optional<String> identity = ssh.optString("identity_file").or(d::identityFile);
        Duration connectTimeout = ssh.duration("connect_timeout", d.connectTimeout());
        ssh.finish();
        r.finish();
        // A bastion is the way in; it is reached directly unless its own entry says otherwise.
        Optional<String> effectiveVia;
        if (via.isPresent()) {
            effectiveVia = via.get().equals("none") || via.get().equals("direct") ? Optional.empty() : via;
        } else if (alias.isPresent() || roles.contains(Role.BASTION)) {
            effectiveVia = Optional.empty();
        } else {
            effectiveVia = d.via().filter(v -> !v.equals(name));
        }
        SshTarget target = new SshTarget(alias, user, port, identity, d.knownHosts(), d.configFile(), connectTimeout);
        return new Host(name, address, privateAddress.or(() -> address), List.copyOf(roles), effectiveVia, target);
    }

    // ---- nats ----------------------------------------------------------------------------------

    private NatsService readNats(MapReader r) {
        int monitorPort = r.integer("monitor_port", 8222, 1, 65535);
        MapReader js = r.map("jetstream");
        NatsService.JetStream jetstream = new NatsService.JetStream(
                js.string("store_dir", "/data/jetstream"),
                js.string("volume", "nats-data"),
                js.size("max_memory_store", ByteSize.parse("1GiB")),
                js.size("max_file_store", ByteSize.parse("10GiB")));
        js.finish();
        Optional<NatsService.Auth> auth = Optional.empty();
        if (r.has("auth")) {
            MapReader a = r.map("auth");
            auth = Optional.of(new NatsService.Auth(
                    a.optText("token", TextKind.SECRET),
                    a.optString("user"),
                    a.optText("password", TextKind.SECRET)));
            a.finish();
        } else {
            r.map("auth");
        }
        MapReader l = r.map("limits");
        NatsService.Limits limits = new NatsService.Limits(
                l.integer("max_connections", 1024, 1, 1_000_000),
                l.size("max_payload", ByteSize.parse("1MiB")),
                l.size("max_pending", ByteSize.parse("64MiB")),
                l.size("max_control_line", ByteSize.parse("4KiB")),
                l.duration("write_deadline", Duration.ofSeconds(10)),
                l.duration("ping_interval", Duration.ofMinutes(2)),
                l.integer("max_pings_out", 2, 1, 100));
        l.finish();
        MapReader lg = r.map("logging");
        NatsService.Logging logging = new NatsService.Logging(
                lg.bool("debug", false), lg.bool("trace", false), lg.bool("logtime", true), lg.optString("log_file"));
        lg.finish();
        MapReader hc = r.map("healthcheck");
        List<String> test = hc.stringList("test", TextKind.PLAIN);
        if (test.isEmpty()) {
            test = List.of("CMD", "wget", "-q", "-O", "-",
                    "http://127.0.0.1:" + monitorPort + "/healthz?js-enabled-only=true");
        }
        NatsService.Healthcheck healthcheck = new NatsService.Healthcheck(test,
                hc.duration("interval", Duration.ofSeconds(30)),
                hc.duration("timeout", Duration.ofSeconds(5)),
                hc.integer("retries", 3, 1, 100),
                hc.duration("start_period", Duration.ofSeconds(10)));
        hc.finish();
        NatsService nats = new NatsService(
                r.string("image", "nats:2.10-alpine"),
                r.string("deploy_dir", "~/nats"),
                r.string("compose_file", "docker-compose.yml"),
                r.string("service", "nats"),
                r.string("restart", "always"),
                r.optString("publish_address"),
                r.integer("client_port", 4222, 1, 65535),
                monitorPort,
                r.integer("cluster_port", 6222, 1, 65535),
                r.string("cluster_name", "nats"),
                jetstream, auth, limits, logging, healthcheck);
        r.finish();
        return nats;
    }

    private JetStreamPolicy readPolicy(MapReader r) {
        MapReader n = r.map("naming");
        JetStreamPolicy.Naming naming = new JetStreamPolicy.Naming(
                n.string("stream", "job_{id}"),
                n.string("subject", "job.{id}.tasks"),
                n.string("consumer", "job-{id}-consumer"),
                n.string("dlq_consumer", "job-{id}-dlq"),
                n.string("advisory_stream", "advisories"));
        n.finish();
        JetStreamPolicy policy = new JetStreamPolicy(
                r.integer("max_deliver", 2, Integer.MIN_VALUE, Integer.MAX_VALUE),
                r.duration("ack_wait", Duration.ofMinutes(5)),
                r.duration("max_age", Duration.ofHours(24)),
                r.integer("max_ack_pending", 1000, 1, 1_000_000),
                naming,
                r.integer("replicas", 1, 1, 5));
        r.finish();
        return policy;
    }

    // ---- app and worker deployments -----------------------------------------------------------

    private Deployment readDeployment(Role role, MapReader r) {
        String fix = "see deployments." + role.id() + " in inventory/example.yml";
        String deployDir = r.requiredString("deploy_dir", "set the directory the compose project lives in, e.g. ~/ami-platform");
        String composeFile = r.requiredString("compose_file", "name the compose file, e.g. docker-compose." + role.id() + ".yml");
        String owner = r.string("compose_owner", "infra");
        if (!owner.equals("infra") && !owner.equals("app")) {
            r.context().error(r.context().sourceMap().at(r.child("compose_owner")), "compose_owner must be infra or app, not '" + owner + "'",
                    "infra: infra writes the compose file; app: it is the app's (tracked in its checkout) and infra never writes it");
        }
        boolean appOwned = owner.equals("app");
        Optional<String> composeEnvFile = r.optString("compose_env_file");
        String image = r.string("image", null);
        String restart = r.string("restart", "always");
        String managedEnvFile = r.requiredString("env_file", "name the env file infra manages keys in, e.g. .envs/.production/.django");
        List<String> envFiles = new ArrayList<>(r.stringList("env_files", TextKind.PLAIN));
        if (managedEnvFile != null && !envFiles.contains(managedEnvFile)) {
            envFiles.add(0, managedEnvFile);
        }
        LinkedHashMap<String, String> managedEnv = r.stringMap("managed_env", ENV_KEY,
                "env keys are letters, digits and '_', not starting with a digit", TextKind.MAY_REFERENCE_SECRETS);
        String natsAlias = r.string("nats_alias", "nats");
        LinkedHashMap<String, String> extraHosts = r.stringMap("extra_hosts", ALIAS_NAME,
                "aliases are host names: letters, digits, '-' and '.'", TextKind.PLAIN);
        String appFile = appOwned ? composeFile : null;
        // Shared settings once (what the app's compose files say with a `&django` anchor), merged into every service.
        Map<String, Object> defaults = r.has("defaults") ? ComposeSettings.read(r.map("defaults"), appFile) : Map.of();
        LinkedHashMap<String, Deployment.Service> services = new LinkedHashMap<>();
        r.sections("services", SERVICE_NAME, "compose service names are letters, digits, '-', '_' and '.'")
                .forEach((name, s) -> services.put(name, new Deployment.Service(name, ComposeSettings.merge(defaults,
                        ComposeSettings.read(s, appFile)))));
        LinkedHashMap<String, Map<String, Map<String, Object>>> perHost = new LinkedHashMap<>();
        r.sections("per_host", HOST_NAME, "host names are lowercase letters, digits, '-' and '.'").forEach((host, h) -> {
            LinkedHashMap<String, Map<String, Object>> overrides = new LinkedHashMap<>();
            h.sections("services", SERVICE_NAME, "compose service names are letters, digits, '-', '_' and '.'")
                    .forEach((name, s) -> overrides.put(name, ComposeSettings.read(s, appFile)));
            h.finish();
            perHost.put(host, overrides);
        });
        if (services.isEmpty()) {
            r.context().error(r.loc(), "deployments." + role.id() + " declares no services",
                    "list the compose services under services:, e.g. celeryworker: {}");
        }
        Optional<Release> release = Optional.empty();
        if (r.has("source")) {
            if (!appOwned) {
                r.context().error(r.locOf("source"), "deployments." + role.id() + ".source needs compose_owner: app",
                        "a deployment shipped from git runs the compose file of its checkout: set compose_owner: app");
            }
            release = Optional.of(readRelease(role, r.map("source"), r.has("release") ? Optional.of(r.map("release")) : Optional.empty(),
                    services.keySet()));
        } else if (r.has("release")) {
            r.context().error(r.locOf("release"), "deployments." + role.id() + ".release needs a source",
                    "say where versions come from: source: {git: <url>, ref: <tag, branch or commit>}");
        }
        r.finish();
        return new Deployment(role, deployDir, composeFile, image, restart, List.copyOf(envFiles), managedEnvFile,
                managedEnv, natsAlias, extraHosts, services, appOwned, composeEnvFile, perHost, release);
    }

    private Release readRelease(Role role, MapReader source, Optional<MapReader> release, Set<String> services) {
        String remote = source.requiredString("git", "the app's git remote every host can fetch, e.g. git: https://github.com/RolnickLab/antenna.git");
        String ref = source.requiredString("ref", "the tag, branch or commit to run, e.g. ref: v1.4.0");
        if (remote != null) {
            Release.remoteProblem(remote).ifPresent(p -> source.error("git", source.child("git") + ": '" + remote + "' " + p,
                    "a git URL every host can fetch: https://…, ssh://…, git@host:path or git://…"));
        }
        if (ref != null && !Release.validRef(ref)) {
            source.error("ref", source.child("ref") + ": '" + ref + "' is not a git ref", "a tag, branch or commit, e.g. v1.4.0, main or 3f2c1ab");
        }
        source.finish();
        Optional<Release.Command> command = Optional.empty();
        Optional<String> before = Optional.empty();
        Optional<String> after = Optional.empty();
        Map<String, Duration> drain = new LinkedHashMap<>();
        if (release.isPresent()) {
            MapReader r = release.get();
            if (r.has("command")) {
                String text = r.string("command", "");
                String service = r.requiredString("service", "the compose service whose container runs it, e.g. service: django");
                String host = r.requiredString("host", "the one host it runs on, e.g. host: ami-live");
                if (service != null && !services.contains(service)) {
                    r.error("service", r.child("service") + ": '" + service + "' is not a service of deployments." + role.id(),
                            "one of " + String.join(", ", services));
                }
                List<String> words = List.of(text.strip().split("\\s+"));
                if (text.isBlank()) {
                    r.error("command", r.child("command") + " is empty", "e.g. command: python manage.py migrate");
                }
                command = Optional.of(new Release.Command(host == null ? "" : host, service == null ? "" : service, words));
            }
            before = r.optString("before_host");
            after = r.optString("after_host");
            r.stringMap("drain", SERVICE_NAME, "compose service names are letters, digits, '-', '_' and '.'", TextKind.PLAIN).forEach((svc, v) -> {
                String at = r.child("drain") + "." + svc;
                if (!services.contains(svc)) {
                    r.context().error(r.context().sourceMap().at(at), at + ": '" + svc + "' is not a service of deployments." + role.id(),
                            "one of " + String.join(", ", services));
                    return;
                }
                try {
                    drain.put(svc, Durations.parse(v));
                } catch (IllegalArgumentException e) {
                    r.context().error(r.context().sourceMap().at(at), at + ": '" + v + "' is not a duration",
                            "how long its old containers get to finish their task, e.g. 5m");
                }
            });
            r.finish();
        }
        return new Release(remote == null ? "" : remote, ref == null ? "" : ref, command, before, after, Map.copyOf(drain));
    }

    // ---- slurm ---------------------------------------------------------------------------------

    static final Pattern WORKER_GROUP = Pattern.compile("[a-z0-9][a-z0-9_-]*");

    private SlurmCluster readSlurm(String login, MapReader r) {
        String account = r.requiredString("account", "name the allocation the jobs are charged to, e.g. account: def-lab");
        Optional<String> partition = r.optString("partition");
        String dir = r.string("dir", "~/.infra/slurm");
        LinkedHashMap<String, SlurmCluster.WorkerGroup> workers = new LinkedHashMap<>();
        r.sections("workers", WORKER_GROUP, "worker group names are lower-case letters, digits, '-' and '_'")
                .forEach((name, w) -> workers.put(name, readWorkerGroup(name, w)));
        if (workers.isEmpty()) {
            r.context().error(r.loc(), "slurm." + login + " declares no worker groups",
                    "list them under workers:, e.g. adc: {jobs: 2, workdir: ~/ami-data-companion, command: ami worker}");
        }
        r.finish();
        return new SlurmCluster(login, account, partition, dir, workers);
    }

    private SlurmCluster.WorkerGroup readWorkerGroup(String name, MapReader r) {
        SlurmCluster.WorkerGroup g = new SlurmCluster.WorkerGroup(name,
                r.integer("jobs", 1, 0, 1000),
                r.duration("time", Duration.ofHours(12)),
                r.size("mem", ByteSize.parse("4GiB")),
                r.integer("cpus", 1, 1, 4096),
                r.optString("gres"),
                r.stringList("modules", TextKind.PLAIN),
                r.requiredString("workdir", "the directory the worker runs in, e.g. workdir: ~/projects/ami-data-companion"),
                r.optString("venv"),
                r.stringList("setup", TextKind.PLAIN),
                r.requiredString("command", "the worker command, e.g. command: ami worker"),
                r.stringList("pipelines", TextKind.PLAIN),
                r.stringMap("env", ENV_KEY, "environment names are letters, digits and '_'", TextKind.MAY_REFERENCE_SECRETS),
                r.duration("replace_within", Duration.ofMinutes(30)),
                r.duration("stop_before_end", Duration.ofMinutes(5)),
                r.duration("silent_after", Duration.ofMinutes(15)));
        r.finish();
        return g;
    }

    private HealthEndpoint readEndpoint(String name, MapReader r) {
        HealthEndpoint e = new HealthEndpoint(name,
                r.requiredString("url", "give the readiness URL, e.g. https://ml.example.org/readyz"),
                r.duration("timeout", Duration.ofSeconds(5)),
                r.optString("check_from"));
        r.finish();
        return e;
    }

}
