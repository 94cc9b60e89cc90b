package dev.infra.observe;

import java.util.Map;

/** One container of a compose project as the host's engine reports it. */
public record ObservedContainer(String project, String service, String name, String state, String health,
                                int restartCount, Map<String, String> env) {
    public boolean running() {
        return "running".equals(state);
    }
}
