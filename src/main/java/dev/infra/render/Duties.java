package dev.infra.render;

import dev.infra.inventory.Deployment;
import dev.infra.inventory.HealthEndpoint;
import dev.infra.inventory.Host;
import dev.infra.inventory.Inventory;
import dev.infra.inventory.NatsService;
import dev.infra.inventory.Role;
import dev.infra.inventory.SlurmCluster;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one host is for, decided from its roles here and nowhere else. Everything downstream (plan,
 * apply's gates, verify, triage, the nats commands, the lab) asks a host's duties, never its roles.
 *
 * @param jumpHost         other hosts are reached through it (a bastion)
 * @param natsServer       the NATS server it runs, and what that server must report
 * @param deployments      the app/worker deployments whose compose project it runs
 * @param natsReach        every NATS server its containers must reach (one today; 3 or 5 in a cluster)
 * @param natsMonitors     the NATS monitoring ports that must answer from it (a jump host: dashboards tunnel there)
 * @param processingChecks the processing services whose readiness is probed from it
 * @param holdsFleetLock   the fleet lock lives on it
 * @param slurm            the SLURM cluster whose worker jobs it submits and watches (a login host)
 */
public record Duties(boolean jumpHost, Optional<NatsServer> natsServer, List<Deployment> deployments,
                     List<NatsEndpoint> natsReach, List<NatsEndpoint> natsMonitors,
                     List<HealthEndpoint> processingChecks, boolean holdsFleetLock, Optional<SlurmCluster> slurm) {

    /** True when the host runs the app or its workers. */
    public boolean runsDeployment() {
        return !deployments.isEmpty();
    }

    /** The whole fleet's duties: per host, plus what is fleet-wide. */
    public record Fleet(LinkedHashMap<String, Duties> hosts, List<NatsServer> natsServers, String lockHost) {
        public Duties of(String host) {
            Duties d = hosts.get(host);
            if (d == null) {
                throw new IllegalArgumentException("no host " + host + " in the inventory");
            }
            return d;
        }
    }

    /** Roles become duties: the one place that reads them. */
    public static Fleet assign(Inventory inv) {
        NatsService nats = inv.nats();
        List<Host> natsHosts = inv.hostsWith(Role.NATS);
        List<NatsServer> servers = new ArrayList<>();
        for (Host h : natsHosts) {
            servers.add(new NatsServer(h.name(), h.privateAddress().orElse(h.name()), nats.image(),
                    ComposeProject.projectName(nats.deployDir()), nats.serviceName(), nats.clientPort(), nats.monitorPort(),
                    nats.jetstream().storeDir(), nats.jetstream().volume(), nats.jetstream().maxMemoryStore(),
                    nats.jetstream().maxFileStore(), natsHosts.size()));
        }
        List<NatsEndpoint> reach = servers.stream().map(NatsServer::client).toList();
        // Seen from a jump host, the NATS hosts are where SSH reaches them.
        List<NatsEndpoint> monitors = natsHosts.stream()
                .map(h -> new NatsEndpoint(h.name(), h.address().orElse(h.name()), nats.monitorPort())).toList();
        // The lock lives on the (first) bastion: every run passes through it anyway.
        String lockHost = inv.hostsWith(Role.BASTION).stream().findFirst()
                .orElse(inv.hosts().values().iterator().next()).name();
        String firstApp = inv.hostsWith(Role.APP).stream().findFirst()
                .orElse(inv.hosts().values().iterator().next()).name();

        LinkedHashMap<String, Duties> out = new LinkedHashMap<>();
        for (Host h : inv.hosts().values()) {
            List<Deployment> deployments = new ArrayList<>();
            for (Role role : List.of(Role.APP, Role.WORKER)) {
                if (h.has(role)) {
                    inv.deployment(role).map(d -> d.forHost(h.name())).ifPresent(deployments::add);
                }
            }
            List<HealthEndpoint> processing = new ArrayList<>();
            for (HealthEndpoint e : inv.processingServices().values()) {
                if (e.checkFrom().orElse(firstApp).equals(h.name())) {
                    processing.add(e);
                }
            }
            boolean jump = h.has(Role.BASTION);
            out.put(h.name(), new Duties(jump,
                    servers.stream().filter(s -> s.host().equals(h.name())).findFirst(),
                    List.copyOf(deployments),
                    deployments.isEmpty() ? List.of() : reach,
                    jump ? monitors : List.of(),
                    List.copyOf(processing),
                    h.name().equals(lockHost),
                    h.has(Role.SLURM) ? Optional.ofNullable(inv.slurm().get(h.name())) : Optional.empty()));
        }
        return new Fleet(out, List.copyOf(servers), lockHost);
    }

    /** The images a host's engine needs for its duties (the lab loads them; there is no registry). */
    public List<String> images() {
        List<String> images = new ArrayList<>();
        natsServer.ifPresent(s -> images.add(s.image()));
        for (Deployment d : deployments) {
            d.services().values().forEach(s -> images.add(s.image().orElse(d.image())));
        }
        return images.stream().distinct().toList();
    }

}
