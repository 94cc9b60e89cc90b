package dev.infra.testing;

import dev.infra.inventory.Inventory;
import dev.infra.inventory.InventoryLoader;
import dev.infra.render.DesiredFile;
import dev.infra.render.HostState;
import dev.infra.render.LocalMirror;
import dev.infra.render.ManagedEnv;
import dev.infra.render.Renderer;
import dev.infra.secrets.SecretResolver;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Loading and rendering the shipped inventories, for tests. */
public final class Inventories {
    private Inventories() {}

    public static Inventory load(Path file, Map<String, String> env) {
        SecretResolver secrets = new SecretResolver(env, file.toAbsolutePath().getParent(), Path.of("/nonexistent-home"));
        return new InventoryLoader(Optional.of(secrets)).load(file);
    }

    public static Inventory shipped(String name) {
        return load(Path.of(Cli.inventory(name)), Map.of("NATS_TOKEN", "test-token", "ANTENNA_TOKEN", "test-antenna-token"));
    }

    public static Renderer renderer() {
        return new Renderer(Path.of(Cli.templates()));
    }

    /** "host/path" → content, for every file of every host, as `infra render` lays them out. */
    public static TreeMap<String, String> renderAll(Inventory inv) {
        TreeMap<String, String> out = new TreeMap<>();
        for (HostState state : renderer().render(inv).values()) {
            for (DesiredFile f : state.files()) {
                out.put(state.host().name() + "/" + LocalMirror.pathFor(f.path()), f.content());
            }
            for (ManagedEnv env : state.env()) {
                out.put(state.host().name() + "/" + LocalMirror.pathFor(env.path()) + ".managed", env.rendered());
            }
        }
        return out;
    }
}
