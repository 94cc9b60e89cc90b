package dev.infra.render;

import dev.infra.inventory.ComposeSettings;
import dev.infra.inventory.Deployment;
import dev.infra.inventory.Host;
import dev.infra.inventory.Inventory;
import dev.infra.inventory.NatsService;
import dev.infra.inventory.SlurmCluster;
import dev.infra.units.Hashing;
import io.pebbletemplates.pebble.PebbleEngine;
import io.pebbletemplates.pebble.error.PebbleException;
import io.pebbletemplates.pebble.loader.FileLoader;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Inventory + templates → every host's desired files. Pure: it reads the templates directory and
 * nothing else, and the same input gives the same bytes.
 */
public final class Renderer {
    public static final String NATS_COMPOSE = "nats/docker-compose.yml.peb";
    public static final String NATS_CONF = "nats/nats.conf.peb";
    public static final String DEPLOYMENT_COMPOSE = "deployment/docker-compose.yml.peb";
    public static final String MANAGED_ENV = "deployment/managed.env.peb";
    public static final String SLURM_SCRIPT = "slurm/worker.sbatch.peb";
    /** The worker's env file is written by the renderer itself (no template): KEY='value' lines bash sources. */
    public static final String SLURM_ENV = "(slurm env file)";
    public static final String NATS_CONF_FILE = "config/nats.conf";

    private final Path templatesDir;
    private final PebbleEngine engine;

    public Renderer(Path templatesDir) {
        this.templatesDir = templatesDir;
        FileLoader loader = new FileLoader(templatesDir.toAbsolutePath().toString());
        this.engine = new PebbleEngine.Builder()
                .loader(loader)
                .strictVariables(true)
                .autoEscaping(false)
                .newLineTrimming(false)
                .cacheActive(false)
                .extension(new TemplateFilters())
                .build();
    }

    public LinkedHashMap<String, HostState> render(Inventory inv) {
        return renderFleet(inv).hosts();
    }

    /** Every host's desired state, with the fleet-wide duties (NATS servers, lock host). */
    public DesiredFleet renderFleet(Inventory inv) {
        Duties.Fleet duties = Duties.assign(inv);
        LinkedHashMap<String, HostState> out = new LinkedHashMap<>();
        for (Host host : inv.hosts().values()) {
            out.put(host.name(), render(inv, host, duties));
        }
        return new DesiredFleet(out, duties);
    }

    public HostState render(Inventory inv, Host host) {
        return render(inv, host, Duties.assign(inv));
    }

    private HostState render(Inventory inv, Host host, Duties.Fleet fleet) {
        Duties duties = fleet.of(host.name());
        List<DesiredFile> files = new ArrayList<>();
        List<ManagedEnv> env = new ArrayList<>();
        List<ComposeProject> projects = new ArrayList<>();
        List<DesiredRelease> releases = new ArrayList<>();
        if (duties.natsServer().isPresent()) {
            NatsServer server = duties.natsServer().get();
            Map<String, Object> ctx = natsContext(inv, host, fleet.natsServers());
            String dir = inv.nats().deployDir();
            files.add(new DesiredFile(join(dir, inv.nats().composeFile()), evaluate(NATS_COMPOSE, ctx), NATS_COMPOSE));
            files.add(new DesiredFile(join(dir, NATS_CONF_FILE), evaluate(NATS_CONF, ctx), NATS_CONF));
            List<Integer> ports = new ArrayList<>(List.of(server.clientPort(), server.monitorPort()));
            if (server.clusterSize() > 1) {
                ports.add(inv.nats().clusterPort());
            }
            projects.add(new ComposeProject(server.project(), dir, inv.nats().composeFile(),
                    List.of(new ComposeProject.Service(server.service(), 1, server.image())), List.of(),
                    List.of(join(dir, NATS_CONF_FILE)), true, Map.of(), List.copyOf(ports)));
        }
        duties.slurm().ifPresent(c -> c.workers().values().forEach(g -> {
            files.add(new DesiredFile(c.scriptPath(g.name()), slurmScript(inv, host, c, g), SLURM_SCRIPT));
            files.add(new DesiredFile(c.envPath(g.name()), slurmEnv(inv, c, g), SLURM_ENV));
        }));
        for (Deployment d : duties.deployments()) {
            Map<String, Object> ctx = deploymentContext(inv, host, d, duties.natsReach());
            if (!d.appOwnsCompose()) {
                files.add(new DesiredFile(join(d.deployDir(), d.composeFile()), evaluate(DEPLOYMENT_COMPOSE, ctx),
                        DEPLOYMENT_COMPOSE));
            }
            String rendered = evaluate(MANAGED_ENV, ctx).strip() + "\n";
            ManagedEnv managed = new ManagedEnv(join(d.deployDir(), d.managedEnvFile()), new LinkedHashMap<>(EnvFile.values(rendered)),
                    rendered);
            env.add(managed);
            List<ComposeProject.Service> services = d.services().values().stream()
                    .map(s -> new ComposeProject.Service(s.name(), s.scale(), s.image().orElse(d.image()))).toList();
            LinkedHashSet<String> loaded = new LinkedHashSet<>();
            d.services().values().forEach(s -> loaded.addAll(envFilesOf(d, s)));
            List<String> envFiles = loaded.stream().map(f -> f.startsWith("/") ? f : join(d.deployDir(), f)).toList();
            // What its containers must carry live: the managed entries of every env file they load.
            Map<String, String> required = envFiles.contains(managed.path()) ? Map.copyOf(managed.entries()) : Map.of();
            List<Integer> ports = d.services().values().stream().filter(s -> s.scale() > 0).flatMap(s -> s.ports().stream())
                    .map(ComposeProject::hostPort).flatMap(Optional::stream).distinct().toList();
            ComposeProject project = new ComposeProject(ComposeProject.projectName(d.deployDir()), d.deployDir(), d.composeFile(),
                    services, envFiles, List.of(), false, new LinkedHashMap<>(required), ports, d.appOwnsCompose(), d.composeEnvFile());
            projects.add(project);
            d.release().ifPresent(r -> releases.add(new DesiredRelease(d.role().id(), project, r,
                    r.command().map(c -> c.host().equals(host.name())).orElse(false))));
        }
        return new HostState(host, List.copyOf(files), List.copyOf(env), List.copyOf(projects), duties, List.copyOf(releases));
    }

    private Map<String, Object> common(Inventory inv, Host host) {
        Map<String, Object> ctx = new LinkedHashMap<>();
        ctx.put("host", host);
        ctx.put("inventory_name", inv.file().getFileName().toString());
        ctx.put("nats", inv.nats());
        ctx.put("policy", inv.policy());
        return ctx;
    }

    private Map<String, Object> natsContext(Inventory inv, Host host, List<NatsServer> servers) {
        Map<String, Object> ctx = common(inv, host);
        List<Map<String, Object>> peers = new ArrayList<>();
        for (NatsServer peer : servers) {
            if (!peer.host().equals(host.name())) {
                peers.add(Map.of("name", peer.host(), "address", peer.address()));
            }
        }
        ctx.put("cluster", servers.size() > 1);
        ctx.put("peers", peers);
        NatsService nats = inv.nats();
        String bind = nats.publishAddress().map(a -> a + ":").orElse("");
        List<String> ports = new ArrayList<>(List.of(
                bind + nats.clientPort() + ":" + nats.clientPort(),
                bind + nats.monitorPort() + ":" + nats.monitorPort()));
        if (servers.size() > 1) {
            ports.add(bind + nats.clusterPort() + ":" + nats.clusterPort());
        }
        ctx.put("ports", ports);
        ctx.put("log_file", nats.logging().logFile().orElse(null));
        ctx.put("auth", nats.auth().map(a -> {
            Map<String, Object> auth = new LinkedHashMap<>();
            auth.put("token", a.token().orElse(null));
            auth.put("user", a.user().orElse(null));
            auth.put("password", a.password().orElse(null));
            return auth;
        }).orElse(null));
        return ctx;
    }

    private Map<String, Object> deploymentContext(Inventory inv, Host host, Deployment d, List<NatsEndpoint> nats) {
        Map<String, Object> ctx = common(inv, host);
        // The NATS alias always points at the (first) NATS server itself, so it cannot go stale; in a
        // cluster, alias-1..alias-N name each server, so NATS_URL can list them all.
        LinkedHashMap<String, String> extraHosts = new LinkedHashMap<>();
        nats.stream().findFirst().flatMap(e -> inv.host(e.host())).flatMap(Host::privateAddress)
                .ifPresent(ip -> extraHosts.put(d.natsAlias(), ip));
        if (nats.size() > 1) {
            for (int i = 0; i < nats.size(); i++) {
                String alias = d.natsAlias() + "-" + (i + 1);
                inv.host(nats.get(i).host()).flatMap(Host::privateAddress).ifPresent(ip -> extraHosts.put(alias, ip));
            }
        }
        d.extraHosts().forEach(extraHosts::putIfAbsent);
        ctx.put("deployment", d);
        List<Map<String, Object>> services = new ArrayList<>();
        LinkedHashSet<String> volumes = new LinkedHashSet<>();
        for (Deployment.Service s : d.services().values()) {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("name", s.name());
            view.put("image", s.image().orElse(s.builds() ? null : d.image()));
            view.put("command", s.settings().get("command"));
            view.put("restart", s.settings().getOrDefault("restart", d.restart()));
            view.put("scale", s.scale());
            view.put("env_files", envFilesOf(d, s).stream().map(f -> f.startsWith("/") ? f : "./" + f).toList());
            LinkedHashMap<String, Object> hosts = new LinkedHashMap<String, Object>(extraHosts);
            hosts.putAll(extraHostsOf(s));
            view.put("extra_hosts", hosts);
            view.put("ports", s.ports());
            // Everything else the service declares, in compose's own vocabulary (build, environment, volumes, …).
            LinkedHashMap<String, Object> more = new LinkedHashMap<>(s.settings());
            HANDLED_KEYS.forEach(more::remove);
            view.put("more", more);
            services.add(view);
            volumes.addAll(ComposeSettings.namedVolumes(s.settings()));
        }
        ctx.put("volumes", List.copyOf(volumes));
        ctx.put("services", services);
        ctx.put("extra_hosts", extraHosts);
        ctx.put("nats_servers", nats.size());
        return ctx;
    }

    /**
     * A worker group's job script. Its {@code --comment} carries a digest of the script itself (rendered
     * without it) and of its env file, so a running job tells which version it was submitted with.
     */
    private String slurmScript(Inventory inv, Host host, SlurmCluster c, SlurmCluster.WorkerGroup g) {
        Map<String, Object> ctx = common(inv, host);
        ctx.put("cluster", c);
        ctx.put("group", g);
        ctx.put("job_name", SlurmCluster.jobName(g.name()));
        ctx.put("env_file", c.envPath(g.name()));
        ctx.put("comment", SlurmCluster.COMMENT_PREFIX);
        // The env file counts too: a job sources it once, when it starts.
        String digest = Hashing.sha256Hex(evaluate(SLURM_SCRIPT, ctx) + slurmEnv(inv, c, g)).substring(0, 12);
        ctx.put("comment", SlurmCluster.COMMENT_PREFIX + digest);
        return evaluate(SLURM_SCRIPT, ctx);
    }

    /** The digest a job script carries in its {@code #SBATCH --comment=infra:DIGEST} line, if it has one. */
    public static Optional<String> slurmDigest(String script) {
        String line = "#SBATCH --comment=" + SlurmCluster.COMMENT_PREFIX;
        return script.lines().filter(l -> l.startsWith(line)).findFirst().map(l -> l.substring(line.length()).strip());
    }

    private static String slurmEnv(Inventory inv, SlurmCluster c, SlurmCluster.WorkerGroup g) {
        StringBuilder s = new StringBuilder("# Managed by infra (" + inv.file().getFileName() + ", cluster " + c.login()
                + ", worker group " + g.name() + "): the worker's environment, sourced by its job script. Only its owner reads it.\n");
        // Values never hold quotes (the inventory check refuses them), so single quotes keep them literal for bash.
        g.env().forEach((k, v) -> s.append(k).append("='").append(v).append("'\n"));
        return s.toString();
    }

    /** The service keys the deployment template writes itself; the rest are written as declared. */
    private static final List<String> HANDLED_KEYS = List.of("image", "command", "restart", "scale", "env_file", "extra_hosts", "ports");

    /** The env files a service loads: the deployment's, then its own; relative to deploy_dir or absolute. */
    private static List<String> envFilesOf(Deployment d, Deployment.Service s) {
        LinkedHashSet<String> files = new LinkedHashSet<>(d.envFiles());
        files.addAll(s.envFiles());
        return List.copyOf(files);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> extraHostsOf(Deployment.Service s) {
        return (Map<String, Object>) s.settings().getOrDefault("extra_hosts", Map.of());
    }

    private String evaluate(String template, Map<String, Object> ctx) {
        if (!Files.isRegularFile(templatesDir.resolve(template))) {
            throw new RenderException("template " + templatesDir.resolve(template) + " is missing; "
                    + "restore it from the repository's templates/ directory", null);
        }
        StringWriter out = new StringWriter();
        try {
            engine.getTemplate(template).evaluate(out, ctx);
        } catch (PebbleException e) {
            throw new RenderException("cannot render " + templatesDir.resolve(template) + ": " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new RenderException("cannot render " + templatesDir.resolve(template) + ": " + e, e);
        }
        return out.toString();
    }

    static String join(String dir, String file) {
        return dir.endsWith("/") ? dir + file : dir + "/" + file;
    }
}
