package dev.infra.render;

import java.util.LinkedHashMap;
import java.util.List;

/** The whole fleet as it should be: every host's desired state, the NATS servers, and where the fleet lock lives. */
public record DesiredFleet(LinkedHashMap<String, HostState> hosts, List<NatsServer> natsServers, String lockHost) {

    public HostState host(String name) {
        HostState s = hosts.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no host " + name + " in the inventory");
        }
        return s;
    }
}
