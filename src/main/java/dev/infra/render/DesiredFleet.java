package dev.infra.render;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The whole fleet as it should be: every host's desired state, and the fleet-wide duties they were rendered from. */
public record DesiredFleet(LinkedHashMap<String, HostState> hosts, Duties.Fleet duties) {

    public HostState host(String name) {
        HostState s = hosts.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no host " + name + " in the inventory");
        }
        return s;
    }

    /** The fleet with these hosts' releases wanted at other refs (host → ref): what a rollback plans against. */
    public DesiredFleet rollbackTo(Map<String, String> refs) {
        LinkedHashMap<String, HostState> out = new LinkedHashMap<>();
        hosts.forEach((name, s) -> out.put(name, refs.containsKey(name) ? s.rollbackTo(refs.get(name)) : s));
        return new DesiredFleet(out, duties);
    }

    public List<NatsServer> natsServers() {
        return duties.natsServers();
    }

    public String lockHost() {
        return duties.lockHost();
    }
}
