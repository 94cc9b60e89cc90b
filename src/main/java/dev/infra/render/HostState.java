package dev.infra.render;

import dev.infra.inventory.Host;
import java.util.List;

/** Everything one host should have, as rendered from the inventory and templates. */
public record HostState(Host host, List<DesiredFile> files, List<ManagedEnv> env) {}
