package dev.infra.lab;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.Volume;
import dev.infra.inventory.Host;
import dev.infra.inventory.Inventory;
import dev.infra.ssh.LocalPaths;
import dev.infra.view.Progress;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A running replica of an inventory's topology on this machine: one container per host on a Docker
 * network of the lab's own, every host with its own sshd (and, but for the bastion, its own Docker
 * engine), reached only through the bastion whose SSH port is published on 127.0.0.1.
 */
public final class Lab {
    /** The docker-in-docker flags that work on this kind of VM (--privileged does not). */
    static final List<String> DIND_SECURITY = List.of("seccomp=unconfined", "apparmor=unconfined");
    static final Duration ENGINE_READY = Duration.ofSeconds(90);

    private final DockerClient docker;
    private final Inventory inventory;
    private final LabPlan plan;
    private final LabSshMaterial ssh;
    private final PrintWriter out;
    private Progress progress = Progress.none();

    /** Shows the image builds' steps as `up` goes. */
    public Lab withProgress(Progress progress) {
        this.progress = progress;
        return this;
    }

    public Lab(DockerClient docker, Inventory inventory, String id, PrintWriter out) {
        this(docker, inventory, id, out, List.of());
    }

    /** A lab with spare hosts beside the inventory's (bare machines to onboard). */
    public Lab(DockerClient docker, Inventory inventory, String id, PrintWriter out, List<LabPlan.Spare> spares) {
        this.docker = docker;
        this.inventory = inventory;
        this.plan = LabPlan.of(inventory, id).withSpares(inventory, spares);
        Path dir = inventory.file().toAbsolutePath().getParent();
        Host bastion = inventory.hosts().values().stream().filter(h -> h.ssh().port() == plan.bastionPort()).findFirst().orElseThrow();
        this.ssh = new LabSshMaterial(
                LocalPaths.resolve(bastion.ssh().identityFile().orElseThrow(() ->
                        new LabException("the lab inventory must set ssh.identity_file (where the lab writes its key)")), dir),
                LocalPaths.resolve(bastion.ssh().knownHosts(), dir),
                LocalPaths.resolve(bastion.ssh().configFile(), dir));
        this.out = out;
    }

    public LabPlan plan() {
        return plan;
    }

    public LabSshMaterial ssh() {
        return ssh;
    }

    public OpenSsh openSsh() {
        return new OpenSsh(ssh.config());
    }

    // ---- up -----------------------------------------------------------------------------------

    /** Starts the lab; returns false (and changes nothing) when it is already fully up. */
    public boolean up() {
        long start = System.nanoTime();
        List<Container> existing = containers();
        if (!existing.isEmpty()) {
            boolean complete = existing.size() == plan.hosts().size()
                    && existing.stream().allMatch(c -> "running".equals(c.getState()));
            if (complete) {
                out.println("Lab '" + plan.id() + "' is already up.");
                out.flush();
                return false;
            }
            throw new LabException("lab '" + plan.id() + "' is partly up (see `infra lab status`); run `infra lab down` first");
        }
        checkPortFree(plan.bastionPort());
        checkSubnetFree();

        out.println("Preparing images (built once, then reused) …");
        out.flush();
        LabImages images = new LabImages(docker, out, LabImages.defaultCacheDir()).withProgress(progress);
        Map<String, Path> archives = new LinkedHashMap<>();
        // Labs started at the same time (tests, two terminals) build each image once, not twice.
        images.exclusively(() -> {
            plan.hosts().stream().map(LabPlan.LabHost::image).distinct().forEach(images::ensure);
            for (LabPlan.LabHost h : plan.hosts()) {
                for (String image : h.images()) {
                    if (!archives.containsKey(image)) {
                        images.ensure(image);
                        archives.put(image, images.archive(image));
                    }
                }
            }
        });
        long imagesDone = System.nanoTime();

        ssh.ensureKeys(plan.hosts().stream().map(LabPlan.LabHost::name).toList());
        ssh.writeKnownHosts(inventory, plan);
        ssh.writeConfig(inventory, plan);

        out.printf("Starting lab '%s': network %s (%s), bastion on 127.0.0.1:%d …%n",
                plan.id(), plan.network(), plan.subnet(), plan.bastionPort());
        out.flush();
        try {
            createNetwork();
            parallel(plan.hosts(), h -> {
                startContainer(h, archives);
                return null;
            });
            parallel(plan.hosts(), h -> {
                if (h.dind()) {
                    awaitEngine(h);
                    for (String image : h.images()) {
                        loadImage(h, image, archives.get(image));
                    }
                }
                return null;
            });
            // Spares are not pinned in known_hosts (onboarding pins them), so only inventory hosts are proven here.
            parallel(plan.hosts().stream().filter(h -> inventory.hosts().containsKey(h.name())).toList(), h -> {
                awaitSsh(h);
                return null;
            });
        } catch (RuntimeException e) {
            out.println("Lab start failed; removing what was started.");
            out.flush();
            down();
            throw e;
        }
        out.printf("Lab '%s' is up in %.1f s (images %.1f s, hosts %.1f s).%n", plan.id(),
                (System.nanoTime() - start) / 1e9, (imagesDone - start) / 1e9, (System.nanoTime() - imagesDone) / 1e9);
        out.flush();
        return true;
    }

    private void createNetwork() {
        // Internal: lab hosts cannot reach anything beyond this network (the lab's network rule,
        // enforced). The bastion is also on the default bridge so its port can be published.
        docker.createNetworkCmd()
                .withName(plan.network())
                .withDriver("bridge")
                .withInternal(true)
                .withCheckDuplicate(true)
                .withLabels(Map.of(LabPlan.LABEL_LAB, plan.id()))
                .withIpam(new Network.Ipam().withConfig(new Network.Ipam.Config()
                        .withSubnet(plan.subnet()).withIpRange(plan.ipRange()).withGateway(plan.gateway())))
                .exec();
    }

    private void startContainer(LabPlan.LabHost h, Map<String, Path> archives) {
        List<Bind> binds = new ArrayList<>();
        binds.add(new Bind(ssh.hostKeyDir(h.name()).toString(), new Volume("/lab/hostkeys"), AccessMode.ro));
        binds.add(new Bind(ssh.publicKey().toString(), new Volume("/lab/authorized_keys"), AccessMode.ro));
        // DindHostConfig adds what `--security-opt systempaths=unconfined` means (no masked /proc paths).
        HostConfig hc = h.dind() ? new DindHostConfig() : HostConfig.newHostConfig();
        List<String> env = new ArrayList<>();
        String image = h.image();
        if (h.dind()) {
            binds.add(new Bind("/sys/fs/cgroup", new Volume("/sys/fs/cgroup"), AccessMode.rw));
            if (!archives.isEmpty()) {
                binds.add(new Bind(LabImages.defaultCacheDir().toString(), new Volume("/lab/images"), AccessMode.ro));
            }
            hc = hc.withCapAdd(Capability.ALL).withCapDrop(Capability.SYS_RESOURCE)
                    .withSecurityOpts(DIND_SECURITY)
                    .withDeviceCgroupRules(List.of("a *:* rwm"))
                    .withTmpFs(Map.of("/run", "", "/var/lib/docker", "exec"));
            // Each inner engine gets its own cgroup parent, so two lab hosts never share one.
            env.add("LAB_DOCKERD_ARGS=--cgroup-parent=/" + h.container());
        }
        if (!h.dind()) {
            env.add("LAB_DOCKERD=0");   // a host image without an engine (the git origin) starts none
        }
        hc = hc.withBinds(binds).withNetworkMode(h.published() > 0 ? "bridge" : plan.network());
        CreateContainerCmd create = docker.createContainerCmd(image)
                .withName(h.container())
                .withHostName(h.name())
                .withEnv(env)
                .withLabels(Map.of(LabPlan.LABEL_LAB, plan.id(), LabPlan.LABEL_HOST, h.name()));
        if (h.published() > 0) {
            ExposedPort sshPort = ExposedPort.tcp(22);
            Ports ports = new Ports();
            ports.bind(sshPort, Ports.Binding.bindIpAndPort("127.0.0.1", h.published()));
            hc = hc.withPortBindings(ports);
            create = create.withExposedPorts(sshPort);
        } else {
            create = create.withAliases(h.name());
            if (h.ip().isPresent()) {
                create = create.withIpv4Address(h.ip().get());
            }
        }
        String id = create.withHostConfig(hc).exec().getId();
        if (h.published() > 0) {
            docker.connectToNetworkCmd().withContainerId(id).withNetworkId(plan.network())
                    .withContainerNetwork(new ContainerNetwork().withAliases(h.name()))
                    .exec();
        }
        docker.startContainerCmd(id).exec();
    }

    private void awaitEngine(LabPlan.LabHost h) {
        long deadline = System.nanoTime() + ENGINE_READY.toNanos();
        LabDocker.ExecResult last = null;
        while (System.nanoTime() < deadline) {
            last = LabDocker.exec(docker, h.container(), Duration.ofSeconds(10), "docker", "version", "--format", "{{.Server.Version}}");
            if (last.ok()) {
                return;
            }
            sleep(200);
        }
        String log = LabDocker.exec(docker, h.container(), Duration.ofSeconds(5), "tail", "-20", "/var/log/dockerd.log").output();
        throw new LabException("the Docker engine on lab host " + h.name() + " did not start within "
                + ENGINE_READY.toSeconds() + " s: " + (last == null ? "" : last.output()) + "\n" + log);
    }

    private void loadImage(LabPlan.LabHost h, String image, Path archive) {
        LabDocker.ExecResult r = LabDocker.exec(docker, h.container(), Duration.ofMinutes(3),
                "docker", "load", "-q", "-i", "/lab/images/" + archive.getFileName());
        if (!r.ok()) {
            throw new LabException("loading " + image + " into lab host " + h.name() + " failed: " + r.output());
        }
    }

    private void awaitSsh(LabPlan.LabHost h) {
        OpenSsh client = openSsh();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        OpenSsh.Result last = null;
        while (System.nanoTime() < deadline) {
            last = client.run(h.name(), Duration.ofSeconds(10), "true");
            if (last.ok()) {
                return;
            }
            sleep(200);
        }
        throw new LabException("lab host " + h.name() + " is not reachable over SSH through the bastion: "
                + (last == null ? "" : last.output().strip()));
    }

    // ---- down and status ----------------------------------------------------------------------

    /** Removes every container and network of this lab; leaves the SSH material for the next `up`. */
    public int down() {
        List<Container> found = containers();
        parallel(found, c -> {
            try {
                docker.removeContainerCmd(c.getId()).withForce(true).withRemoveVolumes(true).exec();
            } catch (NotFoundException ignored) {
                // already gone
            }
            return null;
        });
        for (Network n : docker.listNetworksCmd().withFilter("label", List.of(LabPlan.LABEL_LAB + "=" + plan.id())).exec()) {
            try {
                docker.removeNetworkCmd(n.getId()).exec();
            } catch (NotFoundException ignored) {
                // already gone
            }
        }
        plan.hosts().forEach(h -> CgroupLeftovers.remove(h.container()));
        return found.size();
    }

    public record HostStatus(String host, String container, String state, String engine) {}

    public List<HostStatus> status() {
        List<HostStatus> rows = new ArrayList<>();
        Map<String, Container> byHost = new LinkedHashMap<>();
        for (Container c : containers()) {
            byHost.put(c.getLabels().get(LabPlan.LABEL_HOST), c);
        }
        for (LabPlan.LabHost h : plan.hosts()) {
            Container c = byHost.get(h.name());
            if (c == null) {
                rows.add(new HostStatus(h.name(), h.container(), "absent", "-"));
                continue;
            }
            String engine = "-";
            if (h.dind() && "running".equals(c.getState())) {
                LabDocker.ExecResult r = LabDocker.exec(docker, h.container(), Duration.ofSeconds(5),
                        "docker", "version", "--format", "{{.Server.Version}}");
                engine = r.ok() ? "docker " + r.output().strip() : "not answering";
            }
            rows.add(new HostStatus(h.name(), h.container(), c.getState(), engine));
        }
        return rows;
    }

    public List<Container> containers() {
        return docker.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(LabPlan.LABEL_LAB, plan.id())).exec();
    }

    // ---- checks and helpers -------------------------------------------------------------------

    private static void checkPortFree(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
            s.setReuseAddress(true);
        } catch (IOException e) {
            throw new LabException("127.0.0.1:" + port + " is taken; choose another bastion port with --var bastion_port=N");
        }
    }

    private void checkSubnetFree() {
        for (Network n : docker.listNetworksCmd().exec()) {
            if (n.getIpam() == null || n.getIpam().getConfig() == null) {
                continue;
            }
            for (Network.Ipam.Config c : n.getIpam().getConfig()) {
                if (c.getSubnet() != null && Subnets.overlap(c.getSubnet(), plan.subnet())) {
                    throw new LabException("the lab subnet " + plan.subnet() + " overlaps Docker network " + n.getName()
                            + " (" + c.getSubnet() + "); move the NATS host with --var nats_ip=<a free /24>.10");
                }
            }
        }
    }

    static <T> void parallel(List<T> items, ThrowingFunction<T> task) {
        if (items.isEmpty()) {
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(items.size(), 8));
        try {
            List<Future<Void>> futures = new ArrayList<>();
            for (T item : items) {
                futures.add(pool.submit((Callable<Void>) () -> task.apply(item)));
            }
            for (Future<Void> f : futures) {
                f.get();
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new LabException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted", e);
        } finally {
            pool.shutdownNow();
        }
    }

    @FunctionalInterface
    interface ThrowingFunction<T> {
        Void apply(T item) throws Exception;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted", e);
        }
    }
}
