package dev.infra.observe;

import java.util.List;
import java.util.Map;

/**
 * One container of a compose project as the host's engine reports it; {@code image} as it was created
 * from, {@code configHash} the compose configuration hash it was created with (its label).
 */
public record ObservedContainer(String project, String service, String name, String state, String health,
                                int restartCount, Map<String, String> env, List<Mount> mounts, String image, String configHash) {

    /** A mount: type "volume" (with its name) or "bind", at {@code destination} inside the container. */
    public record Mount(String type, String name, String destination) {}

    public ObservedContainer(String project, String service, String name, String state, String health,
                             int restartCount, Map<String, String> env) {
        this(project, service, name, state, health, restartCount, env, List.of(), "", "");
    }

    public boolean running() {
        return "running".equals(state);
    }
}
