package dev.infra.inventory;

import dev.infra.yaml.SourceMap;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;

/** A whole fleet, as declared. Plain data: loading and checking live elsewhere. */
public record Inventory(
        Path file,
        LinkedHashMap<String, String> variables,
        LinkedHashMap<String, Host> hosts,
        NatsService nats,
        JetStreamPolicy policy,
        LinkedHashMap<Role, Deployment> deployments,
        LinkedHashMap<String, HealthEndpoint> processingServices,
        LinkedHashMap<String, SlurmCluster> slurm,
        SourceMap sourceMap) {

    public List<Host> hostsWith(Role role) {
        return hosts.values().stream().filter(h -> h.has(role)).toList();
    }

    /** "1 bastion, 1 nats, 1 app, 1 worker": how many hosts have each role. */
    public String roleSummary() {
        List<String> counts = new ArrayList<>();
        for (Role role : Role.values()) {
            long n = hostsWith(role).size();
            if (n > 0) {
                counts.add(n + " " + role.id());
            }
        }
        return String.join(", ", counts);
    }

    public Optional<Host> host(String name) {
        return Optional.ofNullable(hosts.get(name));
    }

    public Optional<Deployment> deployment(Role role) {
        return Optional.ofNullable(deployments.get(role));
    }
}
