package dev.infra.render;

import java.util.LinkedHashMap;
import java.util.List;

/** The whole fleet as it should be: every host's desired state, and the fleet-wide duties they were rendered from. */
public record DesiredFleet(LinkedHashMap<String, HostState> hosts, Duties.Fleet duties) {

    public HostState host(String name) {
        HostState s = hosts.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no host " + name + " in the inventory");
        }
        return s;
    }

    public List<NatsServer> natsServers() {
        return duties.natsServers();
    }

    public String lockHost() {
        return duties.lockHost();
    }
}
