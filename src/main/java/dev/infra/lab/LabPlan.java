package dev.infra.lab;

import dev.infra.inventory.Host;
import dev.infra.inventory.Inventory;
import dev.infra.render.Duties;
import dev.infra.render.NatsServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a lab of an inventory consists of, decided without touching Docker: one container per host
 * on one network of its own, the bastion's SSH port published on 127.0.0.1, the NATS host at its
 * declared private address (the workers' extra_hosts point there), every name unique to the lab id.
 */
public record LabPlan(String id, String network, String subnet, String ipRange, String gateway, int bastionPort,
                      List<LabHost> hosts) {

    public static final String LABEL_LAB = "infra.lab";
    public static final String LABEL_HOST = "infra.lab.host";

    /**
     * @param dind      runs its own Docker engine (nats/app/worker hosts); a bastion runs only sshd
     * @param ip        a fixed address on the lab network, or empty for one from the dynamic range
     * @param published the host port on 127.0.0.1 that reaches its sshd (bastions only), else 0
     * @param images    images its engine needs (loaded from the outer engine; there is no registry)
     */
    public record LabHost(String name, String container, boolean dind, Optional<String> ip, int published,
                          List<String> images, String image) {}

    /**
     * A bare host that is not in the inventory yet (for onboarding): sshd, and a Docker engine unless
     * {@code docker} is false. Its host key is generated but not pinned: onboarding pins it.
     */
    public record Spare(String name, boolean docker, boolean tools) {
        public Spare(String name, boolean docker) {
            this(name, docker, docker);
        }

        /** A host with the fleet hosts' tools (git, python3, curl) but no Docker engine: the lab's git origin. */
        public static Spare tools(String name) {
            return new Spare(name, false, true);
        }
    }

    /** This plan plus spare hosts on the same network. */
    public LabPlan withSpares(Inventory inv, List<Spare> spares) {
        List<LabHost> all = new ArrayList<>(hosts);
        // A spare becomes an app or worker host: its engine gets the deployments' images.
        List<String> deploymentImages = Duties.assign(inv).hosts().values().stream()
                .filter(Duties::runsDeployment).flatMap(d -> d.images().stream()).distinct().toList();
        for (Spare s : spares) {
            List<String> images = s.docker() ? deploymentImages : List.of();
            all.add(new LabHost(s.name(), "infra-lab-" + id + "-" + s.name(), s.docker(), Optional.empty(), 0, images,
                    s.tools() ? LabImages.HOST : LabImages.BASTION));
        }
        return new LabPlan(id, network, subnet, ipRange, gateway, bastionPort, List.copyOf(all));
    }

    public static LabPlan of(Inventory inv, String id) {
        Duties.Fleet duties = Duties.assign(inv);
        List<Host> bastions = inv.hosts().values().stream().filter(h -> duties.of(h.name()).jumpHost()).toList();
        if (bastions.size() != 1) {
            throw new LabException("a lab needs exactly one bastion host in " + inv.file() + "; it has " + bastions.size());
        }
        Host bastion = bastions.get(0);
        if (!bastion.address().map(a -> a.equals("127.0.0.1") || a.equals("localhost")).orElse(false)) {
            throw new LabException("the lab publishes the bastion on 127.0.0.1 only; set address: 127.0.0.1 on "
                    + bastion.name() + " (the lab never exposes anything beyond this machine)");
        }
        List<NatsServer> servers = duties.natsServers();
        String natsIp = servers.isEmpty() ? null : inv.hosts().get(servers.get(0).host()).privateAddress().orElse(null);
        if (natsIp == null || !natsIp.matches("\\d+\\.\\d+\\.\\d+\\.\\d+")) {
            throw new LabException("the lab places the NATS host at its private_address; give "
                    + (servers.isEmpty() ? "a nats host" : servers.get(0).host()) + " an IPv4 private_address");
        }
        String prefix = natsIp.substring(0, natsIp.lastIndexOf('.'));
        int last = Integer.parseInt(natsIp.substring(natsIp.lastIndexOf('.') + 1));
        if (last < 2 || last > 127) {
            throw new LabException("the lab's fixed addresses are .2 to .127 of their /24 (dynamic ones above); "
                    + natsIp + " is outside that");
        }
        List<LabHost> hosts = new ArrayList<>();
        for (Host h : inv.hosts().values()) {
            Duties d = duties.of(h.name());
            // A host that only jumps runs sshd alone; every other host runs its own Docker engine.
            boolean jumpOnly = d.jumpHost() && d.natsServer().isEmpty() && !d.runsDeployment();
            // A SLURM login host is a SLURM cluster of its own in the lab (controller and node), with no engine.
            boolean slurm = d.slurm().isPresent() && d.natsServer().isEmpty() && !d.runsDeployment();
            Optional<String> ip = d.natsServer().isPresent() ? h.privateAddress() : Optional.empty();
            hosts.add(new LabHost(h.name(), "infra-lab-" + id + "-" + h.name(), !jumpOnly && !slurm, ip,
                    h == bastion ? h.ssh().port() : 0, d.images(),
                    jumpOnly ? LabImages.BASTION : slurm ? LabImages.SLURM : LabImages.HOST));
        }
        return new LabPlan(id, "infra-lab-" + id, prefix + ".0/24", prefix + ".128/25", prefix + ".1",
                bastion.ssh().port(), List.copyOf(hosts));
    }
}
