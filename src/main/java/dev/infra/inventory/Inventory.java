package dev.infra.inventory;

import dev.infra.yaml.SourceMap;
import java.nio.file.Path;
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
        SourceMap sourceMap) {

    public List<Host> hostsWith(Role role) {
        return hosts.values().stream().filter(h -> h.has(role)).toList();
    }

    public Optional<Host> host(String name) {
        return Optional.ofNullable(hosts.get(name));
    }

    public Optional<Deployment> deployment(Role role) {
        return Optional.ofNullable(deployments.get(role));
    }
}
