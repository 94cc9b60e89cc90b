package dev.infra.render;

import dev.infra.inventory.Host;
import java.util.List;

/** Everything one host should have, as rendered from the inventory and templates. */
public record HostState(Host host, List<DesiredFile> files, List<ManagedEnv> env, List<ComposeProject> projects) {

    /** The managed keys of an env file infra has entries for, if any. */
    public java.util.Optional<ManagedEnv> envFor(String path) {
        return env.stream().filter(e -> e.path().equals(path)).findFirst();
    }
}
