package dev.infra.adopt;

import dev.infra.diag.Messages;
import dev.infra.inventory.Host;
import dev.infra.inventory.Inventory;
import dev.infra.inventory.SshTarget;
import dev.infra.ssh.Background;
import dev.infra.ssh.Endpoint;
import dev.infra.ssh.EndpointResolver;
import dev.infra.ssh.ExecResult;
import dev.infra.ssh.Remote;
import dev.infra.ssh.SshPool;
import dev.infra.yaml.SourceMap;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * `infra import`'s edge: connects to each host the way the inventory will (ssh_config alias or
 * address through a jump host, strict host keys), reads its containers, compose projects and NATS
 * state with {@link ImportCommands}, and hands the facts to {@link FleetImport}. Reads only.
 */
public final class Importer {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** What to import: the hosts, how to reach them, and the directory the inventory will live in (relative paths resolve there). */
    public record Request(List<FleetImport.Target> targets, FleetImport.Ssh ssh, Path inventoryFile, Duration connectTimeout) {}

    private Importer() {}

    public static FleetImport.Result run(Request req, String header) {
        Inventory skeleton = skeleton(req);
        EndpointResolver resolver = new EndpointResolver(skeleton);
        Map<String, Endpoint> endpoints = new LinkedHashMap<>();
        List<String> refusals = new ArrayList<>();
        for (Host h : skeleton.hosts().values()) {
            try {
                endpoints.put(h.name(), resolver.resolve(h));
            } catch (RuntimeException e) {
                refusals.add(h.name() + ": " + e.getMessage());
            }
        }
        // The hosts the others are reached through: `--via`, a target's own via, or a ProxyJump of its ssh_config entry.
        Set<String> jumps = new LinkedHashSet<>();
        req.ssh().via().ifPresent(jumps::add);
        req.targets().forEach(t -> t.via().ifPresent(jumps::add));
        endpoints.values().forEach(e -> e.jump().map(Endpoint::name).ifPresent(jumps::add));
        Map<String, HostFacts> facts = new ConcurrentHashMap<>();
        Map<String, String> failures = new ConcurrentHashMap<>();
        try (SshPool pool = new SshPool()) {
            // Every host at once, each on its own connection (through its jump host); one slow host holds up no other.
            List<CompletableFuture<Void>> reads = new ArrayList<>();
            endpoints.forEach((name, endpoint) -> reads.add(CompletableFuture.runAsync(() -> {
                try {
                    facts.put(name, read(name, pool.connect(endpoint), jumps.contains(name)));
                } catch (RuntimeException | IOException e) {
                    failures.put(name, Messages.of(e));
                }
            }, Background.THREAD_PER_TASK)));
            reads.forEach(CompletableFuture::join);
        }
        req.targets().forEach(t -> {
            if (failures.containsKey(t.name())) {
                refusals.add(t.name() + ": cannot read it: " + failures.get(t.name()));
            }
        });
        if (!refusals.isEmpty()) {
            return new FleetImport.Result("", List.copyOf(refusals));
        }
        return FleetImport.build(req.targets(), facts, jumps, req.ssh(), header);
    }

    private static HostFacts read(String name, Remote remote, boolean jumpHost) throws IOException {
        ExecResult listed = remote.run(ImportCommands.containers(), TIMEOUT);
        if (!listed.ok()) {
            if (jumpHost) {
                return new HostFacts(name, "", List.of(), Map.of(), Optional.empty());
            }
            throw new IOException("`docker ps` failed (" + Messages.firstLine(listed.stderr() + listed.stdout()) + "): is Docker installed and may "
                    + remote.endpoint().user() + " use it?");
        }
        HostFacts.ContainersOutput out = HostFacts.parseContainers(listed.stdout());
        Map<String, List<String>> projectFiles = new LinkedHashMap<>();
        for (HostFacts.Container c : out.containers()) {
            if (!c.isNats() && !c.workingDir().isEmpty() && !c.oneOff()) {
                projectFiles.putIfAbsent(c.workingDir(), c.configFiles());
            }
        }
        Map<String, HostFacts.Project> projects = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : projectFiles.entrySet()) {
            ExecResult r = remote.run(ImportCommands.project(e.getKey(), e.getValue()), TIMEOUT);
            if (r.ok()) {
                projects.put(e.getKey(), HostFacts.parseProject(e.getKey(), r.stdout()));
            }
        }
        Optional<String> jsz = Optional.empty();
        for (HostFacts.Container c : out.containers()) {
            if (c.isNats() && c.running()) {
                int monitor = c.monitorPort();
                if (c.publishedPorts().contains(monitor)) {
                    ExecResult r = remote.run(ImportCommands.jsz(monitor), TIMEOUT);
                    if (r.ok() && !r.stdout().isBlank()) {
                        jsz = Optional.of(r.stdout());
                    }
                }
            }
        }
        return new HostFacts(name, out.home(), out.containers(), projects, jsz);
    }

    /** The hosts as connection targets only (no roles yet): what EndpointResolver needs. */
    private static Inventory skeleton(Request req) {
        LinkedHashMap<String, Host> hosts = new LinkedHashMap<>();
        for (FleetImport.Target t : req.targets()) {
            Optional<String> via = t.alias().isPresent() ? Optional.empty() : t.via().or(() -> req.ssh().via()).filter(v -> !v.equals(t.name()));
            SshTarget ssh = new SshTarget(t.alias(), req.ssh().user(), 22, req.ssh().identityFile(),
                    req.ssh().knownHosts().orElse("~/.ssh/known_hosts"), req.ssh().config().orElse("~/.ssh/config"), req.connectTimeout());
            hosts.put(t.name(), new Host(t.name(), t.address(), t.address(), List.of(), via, ssh));
        }
        return new Inventory(req.inventoryFile(), new LinkedHashMap<>(), hosts, null, null, new LinkedHashMap<>(), new LinkedHashMap<>(),
                new LinkedHashMap<>(),
                new SourceMap(req.inventoryFile()));
    }

}
