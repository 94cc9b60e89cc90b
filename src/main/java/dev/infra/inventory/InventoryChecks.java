package dev.infra.inventory;

import dev.infra.render.EnvValueRule;
import dev.infra.secrets.Redaction;
import dev.infra.secrets.SecretRef;
import dev.infra.secrets.SecretResolver;
import dev.infra.secrets.SecretValues;
import dev.infra.units.ByteSize;
import dev.infra.units.Durations;
import dev.infra.yaml.ReadContext;
import dev.infra.yaml.SourceMap;
import dev.infra.yaml.Suggest;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * The rules that make the seed incidents impossible to declare: NATS_URL missing or pointing at
 * localhost, JetStream in /tmp, unbounded stores, max_deliver 0, jump chains that cannot work,
 * secrets written into the file. Runs on bound data; positions come from the source map.
 */
final class InventoryChecks {
    private static final Pattern IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    static final Pattern NAMED_VOLUME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");
    static final ByteSize NATS_MAX_PAYLOAD_LIMIT = new ByteSize(64L << 20);

    private final Inventory inv;
    private final ReadContext ctx;
    private final SourceMap at;
    private final Optional<SecretResolver> secrets;

    InventoryChecks(Inventory inv, ReadContext ctx, Optional<SecretResolver> secrets) {
        this.inv = inv;
        this.ctx = ctx;
        this.at = ctx.sourceMap();
        this.secrets = secrets;
    }

    void run() {
        checkHosts();
        checkSlurm();
        checkJumpChains();
        checkNatsHosts();
        checkJetStream();
        checkNatsSettings();
        checkPolicy();
        inv.deployments().values().forEach(this::checkDeployment);
        checkRolesHaveDeployments();
        checkEndpoints();
        checkSecrets();
    }

    private void error(String path, String message, String fix) {
        ctx.error(at.at(path), message, fix);
    }

    /** Each SLURM section names a login host with role slurm, and each such host has one; job times add up. */
    private void checkSlurm() {
        inv.slurm().forEach((login, c) -> {
            String p = "slurm." + login;
            Host h = inv.hosts().get(login);
            if (h == null) {
                error(p, "slurm." + login + " names no host of the inventory." + Suggest.didYouMean(login, inv.hosts().keySet()),
                        "name the cluster's login host as declared under hosts:");
            } else if (!h.has(Role.SLURM)) {
                error(p, "host " + login + " has no role slurm, so nothing would submit its jobs", "add slurm to its roles");
            }
            c.workers().values().forEach(g -> {
                String w = p + ".workers." + g.name();
                if (g.command() != null && g.command().isBlank()) {
                    error(w + ".command", "worker group " + g.name() + " has an empty command", "e.g. command: ami worker");
                }
                if (g.runFor().compareTo(g.replaceWithin()) <= 0 || g.runFor().isNegative()) {
                    error(w + ".time", "a job of " + g.name() + " runs " + Durations.format(g.time()) + ", but its worker is stopped "
                            + Durations.format(g.stopBefore()) + " before the end and replaced " + Durations.format(g.replaceWithin())
                            + " before it: it would be replaced before it works", "give it more time, or lower replace_within");
                }
                if (g.time().toSeconds() < 60) {
                    error(w + ".time", "SLURM counts wall time in minutes; " + Durations.format(g.time()) + " is less than one", "e.g. time: 12h");
                }
            });
        });
        for (Host h : inv.hostsWith(Role.SLURM)) {
            if (!inv.slurm().containsKey(h.name())) {
                error("hosts." + h.name() + ".roles", "host " + h.name() + " has role slurm but no slurm." + h.name() + " section",
                        "declare its account and worker groups under slurm: " + h.name() + ":");
            }
        }
    }

    private void checkHosts() {
        for (Host h : inv.hosts().values()) {
            String p = "hosts." + h.name();
            if (h.address().isEmpty() && h.ssh().alias().isEmpty()) {
                error(p, "host " + h.name() + " has neither an address nor an ssh_alias",
                        "add address: <ip or name>, or ssh_alias: <Host from your ssh config>");
            }
            if (h.ssh().alias().isPresent() && h.via().isPresent()) {
                error(p + ".via", "host " + h.name() + " has both ssh_alias and via",
                        "let the ssh config's ProxyJump decide, or drop ssh_alias and use address + via");
            }
        }
    }

    private void checkJumpChains() {
        Set<Set<String>> reportedLoops = new HashSet<>();
        for (Host h : inv.hosts().values()) {
            if (h.via().isEmpty()) {
                continue;
            }
            String jump = h.via().get();
            String p = "hosts." + h.name() + ".via";
            String where = at.at(p).equals(at.at("hosts." + h.name())) ? "ssh.via" : p;
            if (jump.equals(h.name())) {
                error(where, "host " + h.name() + " jumps through itself", "remove via, or name the bastion");
                continue;
            }
            if (!inv.hosts().containsKey(jump)) {
                error(where, "jump host '" + jump + "' of " + h.name() + " is not in the inventory."
                        + Suggest.didYouMean(jump, inv.hosts().keySet()),
                        "declare it under hosts: with roles: [bastion], or fix the name");
                continue;
            }
            List<String> chain = new ArrayList<>(List.of(h.name()));
            Optional<String> next = Optional.of(jump);
            while (next.isPresent() && inv.hosts().containsKey(next.get())) {
                if (chain.contains(next.get())) {
                    Set<String> loop = new TreeSet<>(chain.subList(chain.indexOf(next.get()), chain.size()));
                    chain.add(next.get());
                    if (!reportedLoops.add(loop)) {
                        break;
                    }
                    error(where, "the via chain of " + h.name() + " loops: " + String.join(" -> ", chain),
                            "break the cycle: a bastion is reached directly (via: none)");
                    break;
                }
                chain.add(next.get());
                next = inv.hosts().get(next.get()).via();
            }
        }
    }

    private void checkNatsHosts() {
        List<Host> nats = inv.hostsWith(Role.NATS);
        int n = nats.size();
        if (n == 0) {
            error("hosts", "no host has the role nats", "add roles: [nats] to the host that runs the NATS server");
        } else if (n != 1 && n != 3 && n != 5) {
            error("hosts." + nats.get(n - 1).name() + ".roles", n + " hosts have the role nats; "
                    + "JetStream needs one server or a cluster of 3 or 5", "use 1, 3 or 5 NATS hosts");
        }
    }

    private void checkJetStream() {
        NatsService.JetStream js = inv.nats().jetstream();
        String dir = js.storeDir();
        StoreDirRule.problem(dir).ifPresent(problem -> error("nats.jetstream.store_dir", problem,
                dir.startsWith("/") ? "use a directory on the named volume, e.g. store_dir: /data/jetstream" : "use /data/jetstream"));
        if (js.volume().startsWith("/") || js.volume().startsWith(".") || js.volume().startsWith("~")
                || !NAMED_VOLUME.matcher(js.volume()).matches()) {
            error("nats.jetstream.volume", "'" + js.volume() + "' is not a named volume; a path would be a bind mount",
                    "use a Docker named volume, e.g. volume: nats-data");
        }
        if (js.maxMemoryStore().bytes() <= 0) {
            error("nats.jetstream.max_memory_store", "max_memory_store must be greater than zero", "e.g. 1GiB");
        }
        if (js.maxFileStore().bytes() <= 0) {
            error("nats.jetstream.max_file_store", "max_file_store must be greater than zero (an unbounded store fills the disk)",
                    "e.g. 10GiB");
        }
    }

    private void checkNatsSettings() {
        NatsService n = inv.nats();
        // Each clash is reported where it was written: the port the file sets, not the default it collides with.
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("client_port", n.clientPort());
        ports.put("monitor_port", n.monitorPort());
        ports.put("cluster_port", n.clusterPort());
        List<String> keys = List.copyOf(ports.keySet());
        for (int i = 0; i < keys.size(); i++) {
            for (int j = i + 1; j < keys.size(); j++) {
                if (ports.get(keys.get(i)).equals(ports.get(keys.get(j)))) {
                    String where = at.has("nats." + keys.get(j)) ? keys.get(j) : keys.get(i);
                    error("nats." + where, keys.get(i) + " and " + keys.get(j) + " are both " + ports.get(keys.get(i))
                            + "; a NATS server needs three different ports", "e.g. client 4222, monitor 8222, cluster 6222");
                }
            }
        }
        if (n.limits().maxPayload().bytes() > NATS_MAX_PAYLOAD_LIMIT.bytes()) {
            error("nats.limits.max_payload", "max_payload " + n.limits().maxPayload() + " exceeds NATS's limit of 64MiB",
                    "keep messages small; 1MiB is the default");
        }
        if (n.limits().maxPayload().bytes() > n.limits().maxPending().bytes()) {
            error("nats.limits.max_payload", "max_payload is larger than max_pending", "raise max_pending or lower max_payload");
        }
        if (n.healthcheck().timeout().compareTo(n.healthcheck().interval()) >= 0) {
            error("nats.healthcheck.timeout", "the healthcheck timeout must be shorter than its interval",
                    "e.g. interval: 30s, timeout: 5s");
        }
        n.auth().ifPresent(a -> {
            if (a.token().isPresent() && (a.user().isPresent() || a.password().isPresent())) {
                error("nats.auth", "nats.auth has both a token and a user/password", "choose one");
            } else if (a.token().isEmpty() && (a.user().isEmpty() || a.password().isEmpty())) {
                error("nats.auth", "nats.auth needs a token, or both user and password",
                        "e.g. token: ${env:NATS_TOKEN}");
            }
        });
        n.publishAddress().ifPresent(addr -> {
            if (!isIpLiteral(addr)) {
                error("nats.publish_address", "publish_address must be an IP address, not '" + addr + "'",
                        "e.g. 0.0.0.0 for every interface, or the host's private IP");
            }
        });
    }

    private void checkPolicy() {
        JetStreamPolicy p = inv.policy();
        if (p.maxDeliver() < 1) {
            error("jetstream_policy.max_deliver", "max_deliver must be at least 1 (" + p.maxDeliver()
                    + " means unlimited redeliveries in NATS)", "use 2 or 3: redelivery only covers a crashed consumer");
        }
        requirePositive(p.ackWait(), "jetstream_policy.ack_wait", "e.g. 5m (the app's NATS_TASK_TTR)");
        int servers = inv.hostsWith(Role.NATS).size();
        if (p.replicas() != 1 && p.replicas() != 3 && p.replicas() != 5) {
            error("jetstream_policy.replicas", "replicas must be 1, 3 or 5 (a RAFT group needs an odd size), not " + p.replicas(),
                    "3 on a three-server cluster, 1 on a single server");
        } else if (p.replicas() > servers && servers > 0) {
            error("jetstream_policy.replicas", "replicas " + p.replicas() + " is more than the " + servers + " NATS server(s) that can hold them",
                    "at most " + servers + ", or add NATS hosts (3 or 5)");
        }
        requirePositive(p.maxAge(), "jetstream_policy.max_age", "e.g. 24h");
        JetStreamPolicy.Naming names = p.naming();
        for (Map.Entry<String, String> e : Map.of("stream", names.stream(), "subject", names.subject(),
                "consumer", names.consumer(), "dlq_consumer", names.dlqConsumer()).entrySet()) {
            if (!e.getValue().contains("{id}")) {
                error("jetstream_policy.naming." + e.getKey(), "the " + e.getKey() + " name pattern must contain {id}",
                        "e.g. job_{id}");
            }
        }
    }

    private void requirePositive(Duration d, String path, String fix) {
        if (d.isZero() || d.isNegative()) {
            error(path, path.substring(path.lastIndexOf('.') + 1) + " must be longer than zero", fix);
        }
    }

    private void checkDeployment(Deployment d) {
        String p = "deployments." + d.role().id();
        d.release().flatMap(Release::command).ifPresent(c -> {
            Host h = inv.hosts().get(c.host());
            if (h == null) {
                error(p + ".release.host", "the release command's host " + c.host() + " is not in the inventory."
                        + Suggest.didYouMean(c.host(), inv.hosts().keySet()), "name a host with role " + d.role().id());
            } else if (!h.has(d.role())) {
                error(p + ".release.host", "the release command's host " + c.host() + " has no role " + d.role().id()
                        + ", so it has no checkout of this deployment to run it from", "name a host with role " + d.role().id());
            }
        });
        if (d.deployDir() != null && !d.deployDir().startsWith("/") && !d.deployDir().startsWith("~/")) {
            error(p + ".deploy_dir", "deploy_dir must be absolute or start with ~/", "e.g. ~/ami-platform");
        }
        for (String rel : List.of(nonNull(d.composeFile()), nonNull(d.managedEnvFile()))) {
            if (rel.startsWith("/") || rel.contains("..")) {
                error(p + (rel.equals(d.composeFile()) ? ".compose_file" : ".env_file"),
                        "'" + rel + "' must be a path inside deploy_dir", "write it relative to deploy_dir, without '..'");
            }
        }
        for (Deployment.Service s : d.services().values()) {
            if (s.image().isEmpty() && !s.builds() && d.image() == null && !d.appOwnsCompose()) {
                error(p + ".services." + s.name(), "service " + s.name() + " has no image",
                        "set image: under deployments." + d.role().id() + " (shared), under its defaults:, or on the service; or build: it");
            }
            checkServiceSettings(d, p + ".services." + s.name(), s.settings());
        }
        d.perHost().forEach((host, overrides) -> {
            String hp = p + ".per_host." + host;
            if (inv.host(host).filter(h -> h.has(d.role())).isEmpty()) {
                error(hp, "per_host names " + host + ", which is not a " + d.role().id() + " host of this inventory"
                        + Suggest.didYouMean(host, inv.hostsWith(d.role()).stream().map(Host::name).toList()),
                        "use the name of a host with role " + d.role().id() + " (hosts: …)");
            }
            overrides.forEach((name, settings) -> {
                if (!d.services().containsKey(name)) {
                    error(hp + ".services." + name, "per_host." + host + " overrides service " + name + ", which deployments."
                            + d.role().id() + " does not declare" + Suggest.didYouMean(name, d.services().keySet()),
                            "declare it under services: (scale: 0 if only some hosts run it), then override it here");
                }
                checkServiceSettings(d, hp + ".services." + name, settings);
            });
        });
        d.extraHosts().forEach((alias, ip) -> checkExtraHost(p, alias, ip));
        checkNatsUrl(d, p);
    }

    /** An extra_hosts alias (of a deployment or of one service) must map to an IP: compose writes it into /etc/hosts as is. */
    private void checkExtraHost(String p, String alias, String ip) {
        if (!isIpLiteral(ip)) {
            error(p + ".extra_hosts." + alias, "extra_hosts needs an IP address; '" + ip + "' is not one",
                    "write the IP, e.g. " + alias + ": 10.0.0.5 (or a ${var:…} holding it)");
        }
    }

    /** What compose itself would refuse or silently get wrong about one service's settings. */
    @SuppressWarnings("unchecked")
    private void checkServiceSettings(Deployment d, String p, Map<String, Object> settings) {
        for (Object dep : (List<Object>) settings.getOrDefault("depends_on", List.of())) {
            if (!d.services().containsKey((String) dep)) {
                error(p + ".depends_on", "depends_on names " + dep + ", which deployments." + d.role().id() + " does not declare"
                        + Suggest.didYouMean((String) dep, d.services().keySet()), "name a service listed under services:");
            }
        }
        ((Map<String, Object>) settings.getOrDefault("extra_hosts", Map.of())).forEach((alias, ip) -> checkExtraHost(p, alias, (String) ip));
        ((Map<String, Object>) settings.getOrDefault("environment", Map.of())).keySet().forEach(key -> {
            if (d.managedEnv().containsKey(key)) {
                error(p + ".environment." + key, key + " is in managed_env; compose's environment: would override the env file's value",
                        "remove it from environment: (managed_env already sets it on every service)");
            }
        });
    }

    /** The seed incident: a worker whose NATS_URL is missing or points at localhost loses every ack. */
    private void checkNatsUrl(Deployment d, String p) {
        String url = d.managedEnv().get("NATS_URL");
        String expected = "nats://" + d.natsAlias() + ":" + inv.nats().clientPort();
        if (url == null) {
            error(p + ".managed_env", "deployments." + d.role().id() + " does not manage NATS_URL; without it the app "
                    + "falls back to nats://localhost:4222 and every ack fails", "add managed_env: {NATS_URL: " + expected + "}");
            return;
        }
        String urlPath = p + ".managed_env.NATS_URL";
        for (String one : url.split(",")) {
            URI uri;
            try {
                uri = new URI(one.trim());
            } catch (URISyntaxException e) {
                error(urlPath, "NATS_URL '" + one + "' is not a URL", "e.g. " + expected);
                continue;
            }
            String host = uri.getHost();
            if (uri.getScheme() == null || !Set.of("nats", "tls").contains(uri.getScheme()) || host == null) {
                error(urlPath, "NATS_URL '" + one + "' is not a nats:// URL", "e.g. " + expected);
                continue;
            }
            if (host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]")) {
                error(urlPath, "NATS_URL points at " + host + ": inside a container that is the container itself, "
                        + "so every connect and ack fails", "use the extra_hosts alias: " + expected);
                continue;
            }
            boolean viaAlias = host.equals(d.natsAlias()) || serverAliases(d).contains(host);
            boolean natsAddress = inv.hostsWith(Role.NATS).stream().anyMatch(h -> h.privateAddress().map(host::equals).orElse(false));
            if (!viaAlias && !natsAddress) {
                error(urlPath, "NATS_URL host '" + host + "' does not resolve in the containers: it is neither the "
                        + "extra_hosts alias '" + d.natsAlias() + "' nor a NATS host's address", "use " + expected);
            }
            int port = uri.getPort() < 0 ? 4222 : uri.getPort();
            if (port != inv.nats().clientPort()) {
                error(urlPath, "NATS_URL uses port " + port + " but NATS listens on " + inv.nats().clientPort(),
                        "use " + expected);
            }
        }
        List<Host> natsHosts = inv.hostsWith(Role.NATS);
        if (!natsHosts.isEmpty()) {
            Host first = natsHosts.get(0);
            String natsIp = first.privateAddress().orElse("");
            if (!isIpLiteral(natsIp)) {
                error("hosts." + first.name(), "containers reach NATS through extra_hosts, which needs an IP address, but "
                        + first.name() + " has " + (natsIp.isEmpty() ? "none" : "'" + natsIp + "'"),
                        "set private_address: <its IP on the fleet's network> on " + first.name());
            }
            String declared = d.extraHosts().get(d.natsAlias());
            if (declared != null && isIpLiteral(natsIp) && !declared.equals(natsIp)) {
                error(p + ".extra_hosts." + d.natsAlias(), "extra_hosts maps '" + d.natsAlias() + "' to " + declared
                        + " but the NATS host " + first.name() + " is at " + natsIp,
                        "remove this entry: infra maps the NATS alias to the NATS host itself");
            }
        }
    }

    /** In a cluster, the extra_hosts names of each NATS server (alias-1 … alias-N, in the inventory's order). */
    private List<String> serverAliases(Deployment d) {
        int servers = inv.hostsWith(Role.NATS).size();
        return servers < 2 ? List.of() : IntStream.rangeClosed(1, servers).mapToObj(i -> d.natsAlias() + "-" + i).toList();
    }

    private void checkRolesHaveDeployments() {
        for (Role role : List.of(Role.APP, Role.WORKER)) {
            List<Host> hosts = inv.hostsWith(role);
            if (!hosts.isEmpty() && inv.deployment(role).isEmpty()) {
                error("hosts." + hosts.get(0).name() + ".roles", hosts.get(0).name() + " has the role " + role.id()
                        + " but there is no deployments." + role.id(), "describe its compose project under deployments." + role.id());
            }
        }
    }

    private void checkEndpoints() {
        for (HealthEndpoint e : inv.processingServices().values()) {
            String p = "processing_services." + e.name();
            if (e.url() != null && !(e.url().startsWith("http://") || e.url().startsWith("https://"))) {
                error(p + ".url", "the health URL must start with http:// or https://", "e.g. https://ml.example.org/readyz");
            }
            if (e.timeout().compareTo(Duration.ofMillis(100)) < 0 || e.timeout().compareTo(Duration.ofMinutes(2)) > 0) {
                error(p + ".timeout", "a health check timeout must be between 100ms and 2m",
                        "health checks run in parallel and must stay bounded; e.g. 5s");
            }
            e.checkFrom().filter(h -> !inv.hosts().containsKey(h)).ifPresent(h ->
                    error(p + ".check_from", "check_from names unknown host '" + h + "'."
                            + Suggest.didYouMean(h, inv.hosts().keySet()), "name a host of the inventory"));
        }
    }

    private void checkSecrets() {
        inv.nats().auth().ifPresent(a -> {
            a.token().ifPresent(v -> checkResolvable(v, "nats.auth.token"));
            a.password().ifPresent(v -> checkResolvable(v, "nats.auth.password"));
        });
        for (Deployment d : inv.deployments().values()) {
            d.managedEnv().forEach((key, value) -> checkEnvEntry("deployments." + d.role().id() + ".managed_env." + key, key, value));
        }
        inv.slurm().values().forEach(c -> c.workers().values().forEach(g -> g.env().forEach((key, value) ->
                checkEnvEntry("slurm." + c.login() + ".workers." + g.name() + ".env." + key, key, value))));
    }

    /** One entry of an env file infra writes: no literal secrets, one line, nothing the reader would change. */
    private void checkEnvEntry(String p, String key, String value) {
        if (Redaction.SECRET_LOOKING_KEY.matcher(key).matches() && !SecretRef.containsAny(value) && !value.isEmpty()) {
            error(p, key + " looks like a secret but holds a literal value",
                    "move the value to an environment variable or file and write ${env:" + key + "}");
        }
        if (value.contains("\n")) {
            error(p, key + " spans several lines; env files hold one line per key", "write it on one line");
        }
        // The literal text around any references; a reference's resolved value is checked below.
        EnvValueRule.problem(SecretRef.replaceAll(value, ref -> "x")).ifPresent(why -> error(p, key + "'s value cannot be"
                + " written into an env file as is: " + why, "write a value without it (compose would give the container another value)"));
        checkResolvable(value, p);
        for (SecretRef ref : SecretRef.findAll(value)) {
            secrets.flatMap(s -> s.resolve(ref)).ifPresent(resolved -> {
                EnvValueRule.problem(resolved).ifPresent(why -> error(p, "the value of " + ref.text() + " cannot be written into"
                        + " an env file as is: " + why, "choose a secret without it"));
            });
        }
    }

    private void checkResolvable(String value, String path) {
        Set<String> seen = new LinkedHashSet<>();
        for (SecretRef ref : SecretRef.findAll(value)) {
            if (seen.add(ref.text())) {
                secrets.flatMap(s -> s.problem(ref))
                        .ifPresent(fix -> error(path, "secret " + ref.text() + " cannot be resolved", fix));
                secrets.flatMap(s -> s.resolve(ref)).filter(v -> v.length() < SecretValues.MIN_MASKABLE).ifPresent(v -> error(path,
                        "secret " + ref.text() + " is shorter than " + SecretValues.MIN_MASKABLE + " characters, too short to be told"
                                + " apart from other text, so it could not be masked in output", "use a real secret"));
            }
        }
    }

    static boolean isIpLiteral(String s) {
        if (IPV4.matcher(s).matches()) {
            return true;
        }
        if (s.contains(":") && s.matches("[0-9a-fA-F:.]+")) {
            try {
                return InetAddress.getByName(s) instanceof Inet6Address;
            } catch (UnknownHostException e) {
                return false;
            }
        }
        return false;
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }
}
