package dev.infra.testing;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Network;
import dev.infra.fleet.Fleet;
import dev.infra.inventory.Deployment;
import dev.infra.inventory.Host;
import dev.infra.inventory.Inventory;
import dev.infra.inventory.InventoryLoader;
import dev.infra.lab.Lab;
import dev.infra.lab.LabDocker;
import dev.infra.lab.LabImages;
import dev.infra.lab.LabPlan;
import dev.infra.lab.OpenSsh;
import dev.infra.nats.JobStream;
import dev.infra.nats.NatsAdmin;
import dev.infra.render.Duties;
import dev.infra.render.HostState;
import dev.infra.secrets.SecretResolver;
import dev.infra.units.LocalFiles;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives a test class a running lab of inventory/lab.yml and always tears it down. Each lab has its
 * own id, bastion port, /24 subnet and SSH directory, so concurrent and successive runs never
 * collide. Use as {@code @RegisterExtension static LabExtension lab = new LabExtension();}.
 *
 * <p>The lab is shared by the methods of a class; what one method changes on it is undone by the
 * next method's {@link #converge} (or by the method itself), so each method runs alone and in any
 * order. This is also the one place for the shell work tests do on lab hosts: {@link #sh},
 * {@link #compose}, {@link #standin}, {@link #awaitOutput}.
 */
public final class LabExtension implements BeforeAllCallback, AfterAllCallback {
    /** What the stand-in app (the lab's worker image) is run with on a lab host: NATS at nats:4222. */
    private static final String STANDIN_IMAGE = LabImages.WORKER;
    private static final Duration AWAIT = Duration.ofSeconds(60);

    private final String inventoryName;
    private final List<LabPlan.Spare> spares;
    private String id;
    private Path dir;
    private DockerClient docker;
    private Lab lab;
    private Inventory inventory;
    private Map<String, String> vars;
    private Path sshConfig;
    private Thread shutdownHook;
    private final StringWriter log = new StringWriter();

    public LabExtension() {
        this("lab.yml");
    }

    public LabExtension(String inventoryName) {
        this(inventoryName, List.of());
    }

    /** A lab with bare spare hosts beside the inventory's, for onboarding tests. */
    public LabExtension(String inventoryName, List<LabPlan.Spare> spares) {
        this.inventoryName = inventoryName;
        this.spares = spares;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        id = "t" + Long.toHexString(ThreadLocalRandom.current().nextLong()).substring(0, 8);
        dir = Files.createTempDirectory("infra-lab-" + id);
        docker = LabDocker.connect();
        vars = new LinkedHashMap<>();
        vars.put("lab_dir", dir.toString());
        vars.put("bastion_port", String.valueOf(freePort()));
        String prefix = freeSubnetPrefix(docker);
        vars.put("nats_ip", prefix + ".10");
        // A cluster lab's further NATS servers sit next to the first.
        String declared = Files.readString(Path.of(Cli.inventory(inventoryName)));
        for (int n = 2; n <= 5; n++) {
            if (declared.contains("\n  nats_ip_" + n + ":")) {
                vars.put("nats_ip_" + n, prefix + "." + (9 + n));
            }
        }
        inventory = new InventoryLoader(Optional.empty(), vars).load(Path.of(Cli.inventory(inventoryName)));
        lab = new Lab(docker, inventory, id, new PrintWriter(log, true), spares);
        shutdownHook = new Thread(this::tearDown);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        try {
            lab.up();
            sshConfig = testSshConfig();
        } catch (RuntimeException e) {
            tearDown();
            throw new AssertionError("lab did not come up:\n" + log, e);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        tearDown();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException ignored) {
            // already shutting down
        }
    }

    private synchronized void tearDown() {
        if (lab != null) {
            try {
                lab.down();
            } finally {
                lab = null;
                LocalFiles.deleteTree(dir);
            }
        }
    }

    public String id() { return id; }
    public Lab lab() { return lab; }
    public Inventory inventory() { return inventory; }
    public DockerClient docker() { return docker; }
    public Path dir() { return dir; }
    public String log() { return log.toString(); }

    // ---- infra on this lab ----------------------------------------------------------------------

    /** `--var` arguments that point infra commands at this lab. */
    public String[] varArgs() {
        return vars.entrySet().stream().flatMap(e -> Stream.of("--var", e.getKey() + "=" + e.getValue()))
                .toArray(String[]::new);
    }

    /** The inventory file this lab was started from (inventory/lab.yml unless the constructor said otherwise). */
    public Path inventoryFile() {
        return Path.of(Cli.inventory(inventoryName));
    }

    /** Runs infra on this lab's inventory file. */
    public Cli.Result infra(String... args) {
        return infraOn(inventoryFile(), args);
    }

    public Cli.Result infraOn(Path inventory, String... args) {
        return infraOn(inventory, dir, args);
    }

    /** Runs infra on {@code inventory} with the SSH material (key, known_hosts, ssh_config) of {@code labDir}. */
    public Cli.Result infraOn(Path inventory, Path labDir, String... args) {
        List<String> all = new ArrayList<>(List.of("-i", inventory.toString(), "--templates", Cli.templates()));
        for (String v : varArgs()) {
            all.add(v.startsWith("lab_dir=") ? "lab_dir=" + labDir : v);
        }
        all.addAll(List.of(args));
        return Cli.run(all.toArray(String[]::new));
    }

    /**
     * This lab's inventory file as edited by {@code edit}, written afresh (never appended to) as
     * {@code name} in the lab directory: a variant one test owns.
     */
    public Path inventoryVariant(String name, UnaryOperator<String> edit) {
        try {
            Path file = dir.resolve(name);
            Files.writeString(file, edit.apply(Files.readString(inventoryFile())));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The known_hosts line pinning {@code name} (the lab writes them hashed, as Debian does): found the
     * way OpenSSH finds it, with `ssh-keygen -F`.
     */
    public String pinnedLine(String name) {
        LocalSh.Result r = LocalSh.run("ssh-keygen -F '" + name + "' -f '" + lab.ssh().knownHosts() + "' | grep -v '^#'");
        String line = r.output().strip();
        if (r.exitCode() != 0 || line.isEmpty() || line.contains("\n")) {
            throw new AssertionError("no single pin for " + name + " in " + lab.ssh().knownHosts() + ":\n" + r.output());
        }
        return line;
    }

    public String natsIp() { return vars.get("nats_ip"); }
    public int bastionPort() { return Integer.parseInt(vars.get("bastion_port")); }

    // ---- the baseline every test starts from ----------------------------------------------------

    /** {@link #converge(Path)} on this lab's own inventory file. */
    public void converge() {
        converge(inventoryFile());
    }

    /**
     * Brings the shared lab to the baseline a test starts from, whatever an earlier test left:
     * every lab host running, no fleet lock, no restarts left due, no container but the compose
     * services' on any host, `infra apply --yes` of {@code inventory} done (so files, env and
     * services match it, stopped services started again), and no JetStream stream at all.
     */
    public void converge(Path inventory) {
        hostsUp();
        sh(bastion(), "rm -rf ~/.infra/lock");
        for (String host : engineHosts()) {
            sh(host, "rm -f ~/.infra/pending-restarts"
                    + " && docker ps -a --format '{{.Names}} {{.Label \"com.docker.compose.project\"}}'"
                    + " | while read -r name project; do [ -n \"$project\" ] || docker rm -f \"$name\" >/dev/null; done");
        }
        Cli.Result apply = infraOn(inventory, "apply", "--yes");
        if (apply.exitCode() != 0) {
            throw new AssertionError("converging the lab (infra apply --yes) failed with exit " + apply.exitCode() + ":\n" + apply.all());
        }
        deleteStreams();
    }

    /** A fleet nothing was ever applied to: no container, volume, deployed file or ~/.infra on any host. */
    public void wipe() {
        hostsUp();
        sh(bastion(), "rm -rf ~/.infra");
        Set<String> dirs = new LinkedHashSet<>();
        dirs.add(inventory.nats().deployDir());
        inventory.deployments().values().forEach(d -> dirs.add(d.deployDir()));
        for (String host : engineHosts()) {
            sh(host, "docker ps -aq | xargs -r docker rm -f >/dev/null && docker volume ls -q | xargs -r docker volume rm >/dev/null"
                    + " && docker network prune -f >/dev/null && rm -rf ~/.infra "
                    + String.join(" ", dirs.stream().map(d -> d.replace("~/", "$HOME/")).toList()));
        }
    }

    /** Every lab host running again: a paused one unpaused, a stopped one started (see {@link #restartHost}). */
    public void hostsUp() {
        for (LabPlan.LabHost h : lab.plan().hosts()) {
            InspectContainerResponse.ContainerState state = docker.inspectContainerCmd(h.container()).exec().getState();
            if (Boolean.TRUE.equals(state.getPaused())) {
                docker.unpauseContainerCmd(h.container()).exec();
            } else if (!Boolean.TRUE.equals(state.getRunning())) {
                restartHost(h.name());
            }
        }
    }

    /**
     * Starts a stopped lab host again as `lab up` left it: its engine answering with the lab images
     * loaded (its /var/lib/docker is a tmpfs, so a stop loses them) and its sshd reachable.
     */
    public void restartHost(String name) {
        LabPlan.LabHost h = labHost(name);
        docker.startContainerCmd(h.container()).exec();
        if (h.dind()) {
            awaitExec(h, "docker", "version");
            LabImages images = new LabImages(docker, new PrintWriter(log, true), LabImages.defaultCacheDir());
            for (String image : h.images()) {
                LabDocker.ExecResult r = LabDocker.exec(docker, h.container(), Duration.ofMinutes(3),
                        "docker", "load", "-q", "-i", "/lab/images/" + images.archive(image).getFileName());
                if (!r.ok()) {
                    throw new AssertionError("loading " + image + " into " + name + " failed: " + r.output());
                }
            }
        }
        if (inventory.hosts().containsKey(name)) {
            awaitOutput(name, "echo up", out -> out.strip().equals("up"));
        }
    }

    /**
     * Puts the app-like client (src/test/resources/appclient/appclient.py, on the app's own client
     * library nats-py, copied from this machine's Python) into /opt/appclient on {@code host}; returns
     * the command that runs it there with NATS_URL listing every NATS server by address.
     */
    public String installAppClient(String host) {
        try {
            Process p = new ProcessBuilder("python3", "-c", "import nats, os; print(os.path.dirname(nats.__file__))")
                    .redirectErrorStream(true).start();
            String pkg = new String(p.getInputStream().readAllBytes()).strip();
            if (p.waitFor() != 0) {
                throw new AssertionError("nats-py is not installed here (.ci/setup installs it): " + pkg);
            }
            String container = labHost(host).container();
            sh(host, "rm -rf /opt/appclient && mkdir -p /opt/appclient");
            docker.copyArchiveToContainerCmd(container).withHostResource(pkg).withRemotePath("/opt/appclient").exec();
            docker.copyArchiveToContainerCmd(container).withHostResource(Cli.repo().resolve("src/test/resources/appclient/appclient.py").toString())
                    .withRemotePath("/opt/appclient").exec();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        String urls = String.join(",", duties().natsServers().stream().map(s -> "nats://" + s.address() + ":4222").toList());
        return "cd /opt/appclient && NATS_URL=" + urls + " python3 appclient.py";
    }

    public LabPlan.LabHost labHost(String name) {
        return lab.plan().hosts().stream().filter(h -> h.name().equals(name)).findFirst().orElseThrow();
    }

    private void awaitExec(LabPlan.LabHost h, String... command) {
        long deadline = System.nanoTime() + AWAIT.toNanos();
        LabDocker.ExecResult last = null;
        while (System.nanoTime() < deadline) {
            last = LabDocker.exec(docker, h.container(), Duration.ofSeconds(10), command);
            if (last.ok()) {
                return;
            }
            sleep(200);
        }
        throw new AssertionError(String.join(" ", command) + " never succeeded on " + h.name() + ": " + (last == null ? "" : last.output()));
    }

    /** What each lab host is for, as infra decides it from the roles. */
    private Duties.Fleet duties() {
        return Duties.assign(inventory);
    }

    private String bastion() {
        return duties().lockHost();
    }

    /** The inventory's hosts that run a Docker engine (all but the bastion). */
    private List<String> engineHosts() {
        return lab.plan().hosts().stream().filter(h -> h.dind() && inventory.hosts().containsKey(h.name())).map(LabPlan.LabHost::name).toList();
    }

    // ---- JetStream ------------------------------------------------------------------------------

    /** A Fleet of this lab's inventory, as the CLI builds one. */
    public Fleet fleet() {
        return new Fleet(inventory, Inventories.renderer(), new SecretResolver(Map.of(), inventory.file().toAbsolutePath().getParent(),
                Path.of("/nonexistent")), 4);
    }

    @FunctionalInterface
    public interface JetStreamWork {
        void accept(JetStreamManagement jsm) throws Exception;
    }

    @FunctionalInterface
    public interface NatsWork {
        void accept(Connection nc) throws Exception;
    }

    /** Runs {@code work} on the lab's JetStream, reached as infra reaches it (SSH forward to the NATS host). */
    public void jetStream(JetStreamWork work) {
        nats(nc -> work.accept(nc.jetStreamManagement()));
    }

    /** Runs {@code work} with a NATS connection to the first NATS server that answers, reached as infra reaches it. */
    public void nats(NatsWork work) {
        try (Fleet f = fleet(); NatsAdmin admin = f.jetStream(Duration.ofSeconds(5))) {
            work.accept(admin.connection());
        } catch (Exception e) {
            throw new AssertionError("JetStream: " + e.getMessage(), e);
        }
    }

    /** A stream with its consumers as JetStream reports it now, read as infra reads it. */
    public JobStream stream(String name) {
        try (Fleet f = fleet(); NatsAdmin admin = f.jetStream(Duration.ofSeconds(10))) {
            return admin.streams().stream().filter(s -> s.name().equals(name)).findFirst()
                    .orElseThrow(() -> new AssertionError("no stream " + name));
        } catch (IOException e) {
            throw new AssertionError("JetStream: " + e.getMessage(), e);
        }
    }

    /** Deletes every stream (jobs, advisories), with their consumers. */
    public void deleteStreams() {
        jetStream(jsm -> {
            for (String stream : jsm.getStreamNames()) {
                jsm.deleteStream(stream);
            }
        });
    }

    // ---- shell on lab hosts ---------------------------------------------------------------------

    /**
     * OpenSSH with the lab's ssh_config; spare hosts are reached through the bastion too (once
     * onboarding has pinned their key: host keys are still checked strictly).
     */
    public OpenSsh ssh() {
        return new OpenSsh(sshConfig);
    }

    /** Runs a shell command on a lab host through the bastion; fails the test if it fails. */
    public String sh(String host, String command) {
        OpenSsh.Result r = ssh().run(host, Duration.ofMinutes(2), command);
        if (!r.ok()) {
            throw new AssertionError("on " + host + ": " + command + " → exit " + r.exitCode() + "\n" + r.output());
        }
        return r.output();
    }

    /**
     * Runs {@code command} on {@code host} (its failures too) until its output satisfies
     * {@code done}, for at most a minute; returns that output or fails with the last one.
     */
    public String awaitOutput(String host, String command, Predicate<String> done) {
        long deadline = System.nanoTime() + AWAIT.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            last = ssh().run(host, Duration.ofSeconds(30), command).output();
            if (done.test(last)) {
                return last;
            }
            sleep(500);
        }
        throw new AssertionError("on " + host + ": " + command + " never gave the awaited output within " + AWAIT.toSeconds()
                + " s; last:\n" + last);
    }

    /** `docker-compose` in {@code dir} with its compose {@code file}, project named after the directory, as infra runs it. */
    public static String composeCommand(String dir, String file, String args) {
        return "cd " + dir + " && docker-compose -p " + dir.substring(dir.lastIndexOf('/') + 1) + " -f " + file + " " + args;
    }

    public String compose(String host, String dir, String file, String args) {
        return sh(host, composeCommand(dir, file, args));
    }

    /**
     * Production's NATS as the seed found it: a hand-managed compose project in {@code dir} (project
     * {@code project}) on the NATS host, JetStream on with no store_dir (so in the container's /tmp),
     * ports 4222 and 8222 published; started (recreated) and answering when this returns.
     */
    public void natsByHand(String dir, String project) {
        String host = duties().natsServers().get(0).host();
        put(host, dir + "/docker-compose.yml", "services:\n  nats:\n    image: infra-lab/nats:2.9\n"
                + "    command: [\"-js\", \"-m\", \"8222\"]\n    ports: [\"4222:4222\", \"8222:8222\"]\n    restart: always\n");
        sh(host, "cd " + dir + " && docker-compose -p " + project + " -f docker-compose.yml up -d --force-recreate");
        awaitOutput(host, "curl -s http://127.0.0.1:8222/jsz", out -> out.contains("/tmp/nats/jetstream"));
    }

    /** Runs `docker-compose {@code args}` for the app's compose project on every app and worker host (e.g. "stop"). */
    public void workers(String args) {
        duties().hosts().forEach((host, d) -> d.deployments().forEach(dep -> compose(host, dep.deployDir(), dep.composeFile(), args)));
    }

    /**
     * Recreates {@code services} (all when empty) of the app's compose project on {@code host} from
     * an env file without NATS_URL, then puts the file back: only the running containers lack it,
     * as production had it in job 2226.
     */
    public void recreateWithoutNatsUrl(String host, String services) {
        Deployment d = duties().of(host).deployments().get(0);
        String env = d.managedEnvFile();
        sh(host, "cd " + d.deployDir() + " && cp " + env + " /tmp/env.keep && sed -i '/^NATS_URL=/d' " + env
                + " && " + composeCommand(d.deployDir(), d.composeFile(), "up -d --force-recreate " + services) + " && cp /tmp/env.keep " + env);
    }

    /** The stand-in app (the lab's worker image) as a `docker run` on a lab host, NATS at nats:4222. */
    public String standinCommand(String dockerOptions, String args) {
        return "docker run " + dockerOptions + " --add-host nats:" + natsIp() + " -e NATS_URL=nats://nats:4222 " + STANDIN_IMAGE + " " + args;
    }

    /** Runs the stand-in app once on {@code host}: `enqueue --job …`, `status --job …`. */
    public String standin(String host, String args) {
        return sh(host, standinCommand("--rm", args));
    }

    /**
     * Starts a stand-in worker container {@code name} on {@code host} that fails tasks
     * {@code failTasks} for good. The test removes it (`docker rm -f`); {@link #converge} does too.
     */
    public void failingWorker(String host, String name, String failTasks) {
        sh(host, standinCommand("-d --name " + name + " -e LAB_FAIL_TASKS=" + failTasks, ""));
    }

    /** Waits until the stand-in's `status --job` of {@code job}, read from {@code host}, contains {@code expected}. */
    public String awaitStatus(String host, String job, String expected) {
        return awaitOutput(host, standinCommand("--rm", "status --job " + job), s -> s.contains(expected));
    }

    /** Waits until {@code container} on {@code host} reports healthy. */
    public void awaitHealthy(String host, String container) {
        awaitOutput(host, "docker inspect " + container + " --format '{{.State.Health.Status}}'", s -> s.strip().equals("healthy"));
    }

    /** Writes a file on a lab host (as a tool without infra's transport would: cat over ssh). */
    public void put(String host, String remotePath, String content) {
        String path = remotePath.startsWith("~/") ? "$HOME/" + remotePath.substring(2) : remotePath;
        OpenSsh.Result r = ssh().runWithInput(host, Duration.ofMinutes(1), content.getBytes(StandardCharsets.UTF_8),
                "mkdir -p \"$(dirname \"" + path + "\")\" && cat > \"" + path + "\"");
        if (!r.ok()) {
            throw new AssertionError("writing " + remotePath + " on " + host + " failed: " + r.output());
        }
    }

    /** Copies every rendered file of {@code host} there, as `infra apply` will. */
    public HostState deploy(String host) {
        HostState state = Inventories.renderer().render(inventory, inventory.hosts().get(host));
        state.files().forEach(f -> put(host, f.path(), f.content()));
        return state;
    }

    /** The lab's ssh_config plus, for spare hosts, the way to them through the bastion (a copy: infra reads the lab's). */
    private Path testSshConfig() throws IOException {
        Path config = lab.ssh().config();
        if (spares.isEmpty()) {
            return config;
        }
        StringBuilder b = new StringBuilder(Files.readString(config));
        for (LabPlan.Spare s : spares) {
            b.append("Host ").append(s.name()).append("\n  HostName ").append(s.name()).append("\n  ProxyJump ").append(bastion()).append('\n');
        }
        Path copy = dir.resolve("ssh_config.tests");
        Files.writeString(copy, b.toString());
        return copy;
    }

    // ---- on this machine ------------------------------------------------------------------------

    /** A free TCP port on 127.0.0.1 (the lab publishes and tests listen only on loopback). */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    /** The body of the first 200 answer of {@code url} (on 127.0.0.1), asking again for up to 30 s. */
    public static String awaitHttpOk(String url) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return r.body();
                }
                last = r.statusCode() + " " + r.body();
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            sleep(200);
        }
        throw new AssertionError("no 200 from " + url + " within 30 s; last: " + last);
    }

    /** A 172.29.N.0/24 that no Docker network uses. */
    static String freeSubnetPrefix(DockerClient docker) {
        Set<String> used = new HashSet<>();
        for (Network n : docker.listNetworksCmd().exec()) {
            if (n.getIpam() != null && n.getIpam().getConfig() != null) {
                n.getIpam().getConfig().forEach(c -> used.add(String.valueOf(c.getSubnet())));
            }
        }
        for (int attempt = 0; attempt < 200; attempt++) {
            int third = 100 + ThreadLocalRandom.current().nextInt(150);
            String prefix = "172.29." + third;
            if (!used.contains(prefix + ".0/24") && used.stream().noneMatch(s -> s.startsWith("172.29.0.0/16") || s.startsWith("172.16.0.0/12"))) {
                return prefix;
            }
        }
        throw new IllegalStateException("no free 172.29.x.0/24 subnet");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
