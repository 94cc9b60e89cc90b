package dev.infra.adopt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.infra.diag.Messages;
import dev.infra.inventory.StoreDirRule;
import dev.infra.units.ByteSize;
import dev.infra.units.Durations;
import dev.infra.yaml.YamlText;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Terraform's import for a whole fleet, as a pure function: the facts read on each host in, an
 * inventory that reproduces them out (with a comment saying where each part came from), or the
 * reasons a host cannot be described. The app's compose files stay the app's (compose_owner: app);
 * env files stay on the hosts (their key names are listed, never their values); where the fleet
 * breaks a rule infra enforces (JetStream in /tmp, a worker without NATS_URL) the inventory states
 * the rule and the plan shows the fix.
 */
public final class FleetImport {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern INTERPOLATED = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)");
    private static final String DEFAULT_STORE = "/data/jetstream";
    private static final String DEFAULT_VOLUME = "nats-data";

    /** How a host is reached, as the operator named it: an ssh_config alias, or an address (through {@code via}). */
    public record Target(String name, Optional<String> alias, Optional<String> address, Optional<String> via) {}

    /** The ssh section to write: what the operator passed, so the inventory connects the way the import did. */
    public record Ssh(Optional<String> config, Optional<String> knownHosts, Optional<String> identityFile, Optional<String> user,
                      Optional<String> via) {}

    public record Result(String text, List<String> refusals) {
        public boolean ok() {
            return refusals.isEmpty();
        }
    }

    private FleetImport() {}

    /**
     * @param jumpHosts the hosts others are reached through (`--via`, ProxyJump): bastions, never refused for running nothing
     * @param header    the first comment line (what was imported, when)
     */
    public static Result build(List<Target> targets, Map<String, HostFacts> facts, Set<String> jumpHosts, Ssh ssh, String header) {
        List<String> refusals = new ArrayList<>();
        Map<String, List<String>> roles = new LinkedHashMap<>();
        Map<String, String> roleWhy = new LinkedHashMap<>();
        Optional<NatsFound> nats = Optional.empty();
        Map<String, List<AppProject>> byRole = new LinkedHashMap<>();
        for (Target t : targets) {
            int refusedBefore = refusals.size();
            List<String> r = new ArrayList<>();
            roles.put(t.name(), r);
            HostFacts f = facts.get(t.name());
            if (jumpHosts.contains(t.name())) {
                r.add("bastion");
                roleWhy.put(t.name(), "the jump host the others are reached through");
            }
            if (f == null) {
                continue;
            }
            List<HostFacts.Container> natsContainers = f.containers().stream().filter(HostFacts.Container::isNats).toList();
            if (natsContainers.size() > 1) {
                refusals.add(t.name() + " runs " + natsContainers.size() + " NATS containers (" + names(natsContainers)
                        + "): infra manages one server per host; remove the extra one, then import again");
                continue;
            }
            if (!natsContainers.isEmpty()) {
                if (nats.isPresent()) {
                    refusals.add(t.name() + " runs a second NATS server (" + natsContainers.get(0).name() + ", besides "
                            + nats.get().host() + "'s): import a fleet with one NATS server; clusters are declared by hand");
                    continue;
                }
                Optional<NatsFound> found = nats(t.name(), f, natsContainers.get(0), refusals);
                if (found.isEmpty()) {
                    continue;
                }
                nats = found;
                r.add("nats");
                roleWhy.merge(t.name(), "runs the NATS container " + natsContainers.get(0).name(), (a, b) -> a + "; " + b);
            }
            Map<String, List<HostFacts.Container>> projects = new LinkedHashMap<>();
            for (HostFacts.Container c : f.containers()) {
                if (!c.isNats() && !c.project().isEmpty() && !c.oneOff()) {
                    projects.computeIfAbsent(c.project(), k -> new ArrayList<>()).add(c);
                }
            }
            if (projects.size() > 1) {
                refusals.add(t.name() + " runs " + projects.size() + " compose projects besides NATS (" + String.join(", ", projects.keySet())
                        + "): infra adopts one app project per host; stop the others or import them separately");
                continue;
            }
            for (Map.Entry<String, List<HostFacts.Container>> e : projects.entrySet()) {
                Optional<AppProject> p = appProject(t.name(), f, e.getKey(), e.getValue(), refusals);
                if (p.isPresent()) {
                    String role = p.get().publishes() ? "app" : "worker";
                    r.add(role);
                    byRole.computeIfAbsent(role, k -> new ArrayList<>()).add(p.get());
                    roleWhy.merge(t.name(), "runs compose project " + e.getKey() + (role.equals("app")
                            ? " and publishes ports (" + p.get().ports() + ")" : ", publishing no ports"), (a, b) -> a + "; " + b);
                }
            }
            if (r.isEmpty() && refusals.size() == refusedBefore) {
                refusals.add(t.name() + " runs no compose project and no NATS container (" + (f.containers().isEmpty() ? "no containers at all"
                        : f.containers().size() + " container(s) outside compose: " + names(f.containers())) + "): there is nothing"
                        + " infra can adopt there; deploy the app with compose first, or leave the host out");
            }
        }
        if (nats.isEmpty() && refusals.isEmpty()) {
            refusals.add("no host runs a NATS container: include the NATS host (the jobs' JetStream server) in the import");
        }
        Map<String, Deployment> deployments = new LinkedHashMap<>();
        byRole.forEach((role, list) -> deployment(role, list, refusals).ifPresent(d -> deployments.put(role, d)));
        if (!refusals.isEmpty()) {
            return new Result("", List.copyOf(refusals));
        }
        return new Result(write(targets, roles, roleWhy, nats.orElseThrow(), deployments, ssh, header), List.of());
    }

    // ---- NATS ---------------------------------------------------------------------------------

    private record NatsFound(String host, HostFacts.Container container, String deployDir, String composeFile, String service,
                             int clientPort, int monitorPort, String storeDir, Optional<String> volume, long maxMemory, long maxStorage,
                             List<String> jobStreams, Optional<JsonNode> consumerConfig, String consumerName) {}

    private static Optional<NatsFound> nats(String host, HostFacts f, HostFacts.Container c, List<String> refusals) {
        if (f.jsz().isEmpty()) {
            refusals.add(host + ": the NATS container " + c.name() + " publishes no monitoring port (-m 8222), so its JetStream"
                    + " configuration cannot be read; publish the monitoring port on 127.0.0.1, then import again");
            return Optional.empty();
        }
        JsonNode jsz;
        try {
            jsz = JSON.readTree(f.jsz().get());
        } catch (IOException e) {
            refusals.add(host + ": the NATS server's /jsz did not answer with JSON (" + Messages.firstLine(f.jsz().get()) + ")");
            return Optional.empty();
        }
        JsonNode config = jsz.path("config");
        if (config.isMissingNode() || jsz.path("disabled").asBoolean(false)) {
            refusals.add(host + ": the NATS server " + c.name() + " runs without JetStream; the platform's jobs need it (start it with -js)");
            return Optional.empty();
        }
        String storeDir = config.path("store_dir").asText("");
        Optional<String> volume = c.mounts().stream().filter(m -> m.volume() && (storeDir.equals(m.destination())
                || storeDir.startsWith(m.destination() + "/"))).map(HostFacts.Mount::source).findFirst();
        List<String> jobs = new ArrayList<>();
        Optional<JsonNode> consumer = Optional.empty();
        String consumerName = "";
        for (JsonNode account : jsz.path("account_details")) {
            for (JsonNode stream : account.path("stream_detail")) {
                String name = stream.path("name").asText();
                if (name.startsWith("job_")) {
                    jobs.add(name + " (" + stream.path("state").path("messages").asLong() + " messages)");
                    for (JsonNode con : stream.path("consumer_detail")) {
                        if (consumer.isEmpty() && con.has("config")) {
                            consumer = Optional.of(con.path("config"));
                            consumerName = con.path("name").asText() + " of " + name;
                        }
                    }
                }
            }
        }
        int client = c.portFlag(List.of("-p", "--port"), 4222);
        int monitor = c.monitorPort();
        String dir = c.workingDir().isEmpty() ? "~/nats" : tilde(c.workingDir(), f.home());
        String file = c.configFiles().isEmpty() ? "docker-compose.yml" : fileName(c.configFiles().get(0), c.workingDir());
        return Optional.of(new NatsFound(host, c, dir, file, c.service().isEmpty() ? "nats" : c.service(), client, monitor, storeDir,
                volume, config.path("max_memory").asLong(), config.path("max_storage").asLong(), jobs, consumer, consumerName));
    }

    // ---- the app's compose projects --------------------------------------------------------------

    private record AppProject(String host, String project, String deployDir, String composeFile, boolean tracked, boolean git,
                              List<String> services, Map<String, Integer> scale, List<String> envFiles, Map<String, HostFacts.EnvKeys> envKeys,
                              Optional<String> composeEnvFile, String composeEnvWhy, Map<String, String> extraHosts, Set<Integer> ports) {
        /** An app project publishes ports (django on 5001); a worker's publishes none. */
        boolean publishes() {
            return !ports.isEmpty();
        }
    }

    private static Optional<AppProject> appProject(String host, HostFacts f, String project, List<HostFacts.Container> containers,
                                                   List<String> refusals) {
        HostFacts.Container first = containers.get(0);
        if (first.workingDir().isEmpty() || first.configFiles().isEmpty()) {
            refusals.add(host + ": compose project " + project + " does not say where it lives (no working_dir/config_files labels);"
                    + " start it again with docker compose from its directory, then import");
            return Optional.empty();
        }
        if (first.configFiles().size() > 1) {
            refusals.add(host + ": compose project " + project + " runs from " + first.configFiles().size() + " files ("
                    + String.join(", ", first.configFiles()) + "); import adopts a project run from one compose file");
            return Optional.empty();
        }
        HostFacts.Project p = f.projects().get(first.workingDir());
        String file = fileName(first.configFiles().get(0), first.workingDir());
        String text = p == null ? null : p.composeFiles().get(first.configFiles().get(0));
        if (text == null || text.isBlank()) {
            refusals.add(host + ": cannot read " + first.workingDir() + "/" + file + ", the compose file project " + project + " was started from");
            return Optional.empty();
        }
        Map<String, Object> doc;
        try {
            Object loaded = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
            doc = loaded instanceof Map<?, ?> m ? cast(m) : Map.of();
        } catch (RuntimeException e) {
            refusals.add(host + ": " + first.workingDir() + "/" + file + " is not a compose file infra can read (" + Messages.firstLine(e.getMessage()) + ")");
            return Optional.empty();
        }
        Map<String, Object> services = doc.get("services") instanceof Map<?, ?> m ? cast(m) : Map.of();
        if (services.isEmpty()) {
            refusals.add(host + ": " + first.workingDir() + "/" + file + " declares no services");
            return Optional.empty();
        }
        Map<String, Integer> scale = new LinkedHashMap<>();
        LinkedHashSet<String> envFiles = new LinkedHashSet<>();
        services.forEach((name, body) -> {
            scale.put(name, (int) containers.stream().filter(c -> c.service().equals(name)).count());
            if (body instanceof Map<?, ?> m) {
                Object ef = m.get("env_file");
                List<?> list = ef instanceof List<?> l ? l : ef == null ? List.of() : List.of(ef);
                list.forEach(e -> envFiles.add(stripDot(String.valueOf(e instanceof Map<?, ?> em ? em.get("path") : e))));
            }
        });
        Set<Integer> ports = new TreeSet<>();
        containers.stream().filter(HostFacts.Container::running).forEach(c -> ports.addAll(c.publishedPorts()));
        Map<String, String> extraHosts = new LinkedHashMap<>();
        containers.forEach(c -> c.extraHosts().forEach(e -> {
            int colon = e.indexOf(':');
            if (colon > 0) {
                extraHosts.putIfAbsent(e.substring(0, colon), e.substring(colon + 1));
            }
        }));
        // The compose-level env file: compose v2 records it; for v1, the env file that defines every variable the compose file interpolates.
        Optional<String> composeEnv = Optional.empty();
        String why = "";
        String label = first.labels().getOrDefault("com.docker.compose.project.environment_file", "");
        Set<String> needed = new TreeSet<>();
        Matcher m = INTERPOLATED.matcher(text);
        while (m.find()) {
            needed.add(m.group(1));
        }
        if (!label.isEmpty()) {
            composeEnv = Optional.of(fileName(label, first.workingDir()));
            why = "recorded by compose on the containers";
        } else if (!needed.isEmpty()) {
            Map<String, HostFacts.EnvKeys> envs = p.envFiles();
            if (envs.containsKey(".env") && envs.get(".env").keys().containsAll(needed)) {
                why = "";
            } else {
                composeEnv = envs.entrySet().stream().filter(e -> !envFiles.contains(e.getKey()) && e.getValue().keys().containsAll(needed))
                        .map(Map.Entry::getKey).findFirst();
                if (composeEnv.isEmpty()) {
                    refusals.add(host + ": " + file + " interpolates " + String.join(", ", needed) + " but no env file in "
                            + first.workingDir() + " defines them all; name the --env-file the team deploys with in the inventory by hand");
                    return Optional.empty();
                }
                why = "the file in the checkout that defines " + String.join(", ", needed) + ", which " + file + " interpolates";
            }
        }
        return Optional.of(new AppProject(host, project, tilde(first.workingDir(), f.home()), file, p.tracked().contains(first.configFiles().get(0)),
                p.git(), List.copyOf(services.keySet()), scale, List.copyOf(envFiles), p.envFiles(), composeEnv, why, extraHosts, ports));
    }

    private record Deployment(String role, AppProject base, List<AppProject> hosts, String managedEnvFile) {}

    private static Optional<Deployment> deployment(String role, List<AppProject> hosts, List<String> refusals) {
        AppProject base = hosts.get(0);
        for (AppProject other : hosts.subList(1, hosts.size())) {
            if (!other.deployDir().equals(base.deployDir()) || !other.composeFile().equals(base.composeFile())
                    || !other.envFiles().equals(base.envFiles())) {
                refusals.add(other.host() + " runs the " + role + " from " + other.deployDir() + "/" + other.composeFile() + " but "
                        + base.host() + " from " + base.deployDir() + "/" + base.composeFile() + ": hosts of one role share one deployment;"
                        + " make them alike, or import them separately");
                return Optional.empty();
            }
        }
        if (base.envFiles().isEmpty()) {
            refusals.add(base.host() + ": the services of " + base.composeFile() + " load no env_file, so infra has nowhere to set"
                    + " NATS_URL; add env_file to the app's compose file (the app's own files use .envs/.production/.django)");
            return Optional.empty();
        }
        String managed = base.envFiles().stream()
                .filter(e -> hosts.stream().anyMatch(h -> h.envKeys().getOrDefault(e, HostFacts.EnvKeys.NONE)
                        .natsUrl().isPresent())).findFirst().orElse(base.envFiles().get(0));
        return Optional.of(new Deployment(role, base, hosts, managed));
    }

    // ---- the inventory text ----------------------------------------------------------------------

    private static String write(List<Target> targets, Map<String, List<String>> roles, Map<String, String> roleWhy, NatsFound nats,
                                Map<String, Deployment> deployments, Ssh ssh, String header) {
        StringBuilder b = new StringBuilder();
        b.append("# ").append(header).append('\n')
                .append("# Each part says where it came from. Secrets never enter this file: env files stay on the hosts (their\n")
                .append("# key names are listed below, never their values). Run `infra plan`: it shows only what infra would fix.\n\n");
        b.append("ssh:\n");
        ssh.config().ifPresent(v -> b.append("  config: ").append(q(v)).append('\n'));
        ssh.knownHosts().ifPresent(v -> b.append("  known_hosts: ").append(q(v)).append('\n'));
        ssh.identityFile().ifPresent(v -> b.append("  identity_file: ").append(q(v)).append('\n'));
        ssh.user().ifPresent(v -> b.append("  user: ").append(q(v)).append('\n'));
        ssh.via().ifPresent(v -> b.append("  via: ").append(q(v)).append('\n'));
        if (b.toString().endsWith("ssh:\n")) {
            b.append("  known_hosts: ~/.ssh/known_hosts\n");
        }

        // The NATS host's private address: what the app's containers reach NATS at (their extra_hosts).
        String natsAlias = natsAlias(deployments);
        Optional<String> natsIp = deployments.values().stream().flatMap(d -> d.hosts().stream())
                .map(p -> p.extraHosts().get(natsAlias)).filter(Objects::nonNull).findFirst();
        b.append("\nhosts:\n");
        for (Target t : targets) {
            b.append("  ").append(t.name()).append(":\n");
            t.alias().ifPresent(a -> b.append("    ssh_alias: ").append(q(a)).append('\n'));
            t.address().ifPresent(a -> b.append("    address: ").append(q(a)).append('\n'));
            t.via().filter(v -> ssh.via().map(s -> !s.equals(v)).orElse(true)).ifPresent(v -> b.append("    via: ").append(q(v)).append('\n'));
            if (t.name().equals(nats.host()) && natsIp.isPresent()) {
                b.append("    private_address: ").append(q(natsIp.get())).append("   # what the app's containers reach NATS at (extra_hosts ")
                        .append(natsAlias).append(':').append(natsIp.get()).append(")\n");
            }
            b.append("    roles: [").append(String.join(", ", roles.get(t.name()))).append("]");
            if (roleWhy.containsKey(t.name())) {
                b.append("   # ").append(roleWhy.get(t.name()));
            }
            b.append('\n');
        }

        HostFacts.Container c = nats.container();
        b.append("\n# From the NATS container ").append(c.name()).append(" on ").append(nats.host())
                .append(c.project().isEmpty() ? " (started with docker run)" : " (compose project " + c.project() + ")")
                .append(" and its /jsz. infra writes its compose file and nats.conf in deploy_dir.\n");
        b.append("nats:\n");
        b.append("  image: ").append(q(c.image())).append('\n');
        b.append("  deploy_dir: ").append(q(nats.deployDir())).append(c.workingDir().isEmpty()
                ? "   # the container was not started by compose: stop it before the first apply (the plan says so)\n" : "\n");
        b.append("  compose_file: ").append(q(nats.composeFile())).append('\n');
        b.append("  service: ").append(q(nats.service())).append('\n');
        b.append("  client_port: ").append(nats.clientPort()).append('\n');
        b.append("  monitor_port: ").append(nats.monitorPort()).append('\n');
        b.append("  jetstream:\n");
        Optional<String> storeProblem = StoreDirRule.problem(nats.storeDir());
        if (storeProblem.isPresent() || nats.volume().isEmpty()) {
            b.append("    # The server keeps JetStream in ").append(nats.storeDir()).append(storeProblem.isPresent()
                    ? ", which is lost when the container restarts." : ", not on a named volume.").append('\n')
                    .append("    # infra keeps it on a named volume: the plan shows the move and what is at stake")
                    .append(nats.jobStreams().isEmpty() ? "" : " (" + String.join(", ", nats.jobStreams()) + ")")
                    .append(",\n    # and apply copies the data over and checks every stream and consumer before it goes on.\n");
            b.append("    store_dir: ").append(DEFAULT_STORE).append('\n');
            b.append("    volume: ").append(DEFAULT_VOLUME).append('\n');
        } else {
            b.append("    store_dir: ").append(q(nats.storeDir())).append('\n');
            b.append("    volume: ").append(q(nats.volume().get())).append('\n');
        }
        b.append("    max_memory_store: ").append(new ByteSize(nats.maxMemory()).human()).append("   # what the server runs with now\n");
        b.append("    max_file_store: ").append(new ByteSize(nats.maxStorage()).human()).append('\n');

        b.append("\njetstream_policy:\n");
        JsonNode cc = nats.consumerConfig().orElse(null);
        long maxDeliver = cc == null ? -1 : cc.path("max_deliver").asLong(-1);
        long ackWaitNs = cc == null ? 0 : cc.path("ack_wait").asLong(0);
        long maxAckPending = cc == null ? 0 : cc.path("max_ack_pending").asLong(0);
        String from = cc == null ? "   # infra's default (no job consumer to read it from)" : "   # as consumer " + nats.consumerName() + " has it";
        b.append("  max_deliver: ").append(maxDeliver >= 1 ? maxDeliver + from : "2   # infra's default" + (cc == null ? ""
                : "; " + nats.consumerName() + " has " + maxDeliver + " (unlimited redelivery hides failing jobs)")).append('\n');
        b.append("  ack_wait: ").append(ackWaitNs > 0 ? Durations.format(Duration.ofNanos(ackWaitNs)) + from : "5m   # infra's default (the app's NATS_TASK_TTR)").append('\n');
        b.append("  max_age: 24h   # infra's default: job streams older than this are stale\n");
        b.append("  max_ack_pending: ").append(maxAckPending >= 1 && maxAckPending <= 1_000_000 ? maxAckPending + from : "1000   # infra's default").append('\n');

        b.append("\ndeployments:\n");
        for (Deployment d : deployments.values()) {
            AppProject base = d.base();
            b.append("  ").append(d.role()).append(":   # compose project ").append(base.project()).append(" on ")
                    .append(String.join(", ", d.hosts().stream().map(AppProject::host).toList())).append('\n');
            b.append("    deploy_dir: ").append(q(base.deployDir())).append('\n');
            b.append("    compose_file: ").append(q(base.composeFile())).append('\n');
            b.append("    compose_owner: app   # ").append(base.tracked() ? "tracked in the app's git checkout: infra never writes it,"
                    + " so `git pull` keeps working" : base.git() ? "the app's file (not tracked in the checkout): infra never writes it"
                    : "the app's file as it is on the host: infra never writes it").append('\n');
            base.composeEnvFile().ifPresent(e -> b.append("    compose_env_file: ").append(q(e)).append("   # ").append(base.composeEnvWhy()).append('\n'));
            b.append("    env_file: ").append(q(d.managedEnvFile())).append("   # where infra manages NATS_URL; every other line stays the team's\n");
            b.append("    env_files:   # loaded by the services (key names as on ").append(base.host()).append(")\n");
            for (String e : base.envFiles()) {
                List<String> keys = base.envKeys().getOrDefault(e, HostFacts.EnvKeys.NONE).keys();
                b.append("      - ").append(q(e)).append("   # ").append(keys.isEmpty() ? "(missing or empty)" : String.join(", ", keys)).append('\n');
            }
            b.append("    managed_env:\n");
            List<String> has = new ArrayList<>();
            List<String> lacks = new ArrayList<>();
            for (AppProject h : d.hosts()) {
                Optional<String> url = h.envKeys().getOrDefault(d.managedEnvFile(), HostFacts.EnvKeys.NONE).natsUrl();
                (url.isPresent() ? has : lacks).add(h.host() + url.map(u -> " (" + u + ")").orElse(""));
            }
            b.append("      NATS_URL: ").append(q("nats://" + natsAlias + ":" + nats.clientPort())).append("   # ")
                    .append(has.isEmpty() ? "" : "set on " + String.join(", ", has)).append(has.isEmpty() || lacks.isEmpty() ? "" : "; ")
                    .append(lacks.isEmpty() ? "" : "MISSING on " + String.join(", ", lacks) + ": apply adds it (job 2226's incident)").append('\n');
            if (!natsAlias.equals("nats")) {
                b.append("    nats_alias: ").append(q(natsAlias)).append('\n');
            }
            b.append("    services:   # containers per service as they run on ").append(base.host()).append('\n');
            for (String s : base.services()) {
                int n = base.scale().get(s);
                b.append("      ").append(s).append(": ").append(n == 1 ? "{}" : "{scale: " + n + "}").append('\n');
            }
            List<AppProject> differing = d.hosts().stream().filter(h -> !h.scale().equals(base.scale())).toList();
            if (!differing.isEmpty()) {
                b.append("    per_host:   # hosts that run a different number of containers than ").append(base.host()).append('\n');
                for (AppProject h : differing) {
                    b.append("      ").append(h.host()).append(":\n        services:\n");
                    h.scale().forEach((s, n) -> {
                        if (!Objects.equals(base.scale().get(s), n)) {
                            b.append("          ").append(s).append(": {scale: ").append(n).append("}\n");
                        }
                    });
                }
            }
        }
        return b.toString();
    }

    /** The alias the app's containers reach NATS by: the host of a NATS_URL one of them has, else "nats". */
    private static String natsAlias(Map<String, Deployment> deployments) {
        for (Deployment d : deployments.values()) {
            for (AppProject h : d.hosts()) {
                for (HostFacts.EnvKeys k : h.envKeys().values()) {
                    Optional<String> host = k.natsUrl().flatMap(FleetImport::urlHost);
                    if (host.isPresent() && h.extraHosts().containsKey(host.get())) {
                        return host.get();
                    }
                }
            }
        }
        return "nats";
    }

    private static Optional<String> urlHost(String url) {
        try {
            return Optional.ofNullable(new URI(url.split(",")[0].trim()).getHost());
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    /** {@code path} relative to {@code dir} when it lies inside it (compose v2 records absolute paths). */
    private static String fileName(String path, String dir) {
        String prefix = dir.endsWith("/") ? dir : dir + "/";
        return path.startsWith(prefix) ? path.substring(prefix.length()) : stripDot(path);
    }

    private static String tilde(String dir, String home) {
        if (!home.isEmpty() && !home.equals("/") && dir.startsWith(home + "/")) {
            return "~/" + dir.substring(home.length() + 1);
        }
        return dir;
    }

    private static String stripDot(String path) {
        return path.startsWith("./") ? path.substring(2) : path;
    }

    private static String names(List<HostFacts.Container> containers) {
        return String.join(", ", containers.stream().map(HostFacts.Container::name).toList());
    }


    /** A scalar for the inventory: plain when it is safe and unambiguous, double-quoted otherwise. */
    static String q(String v) {
        return v.matches("[A-Za-z0-9~/._-][A-Za-z0-9~/._:@-]*") && !v.matches("(?i)y|yes|n|no|on|off|true|false|null|~|[0-9.]+") ? v : YamlText.quote(v);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }
}
