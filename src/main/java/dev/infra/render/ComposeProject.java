package dev.infra.render;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One compose project a host runs: where its file is, its project name (always passed as -p, so
 * docker-compose v1 and `docker compose` v2 agree), the services that should run (scale > 0), and
 * which files feed its containers (a change to any of them means recreating them).
 *
 * @param reloadableConfig a file whose change alone needs a reload, not a recreate (nats.conf)
 * @param requiredEnv      what every running container of the project must carry in its live
 *                         environment (the managed env entries of its env files; values may be
 *                         secret references)
 */
public record ComposeProject(String name, String dir, String composeFile, List<Service> services,
                             List<String> envFiles, List<String> reloadableConfig, boolean nats,
                             Map<String, String> requiredEnv) {

    /** A service with the image its containers must run. */
    public record Service(String name, int scale, String image) {}

    public String composePath() {
        return Renderer.join(dir, composeFile);
    }

    /** The services that should have containers (scale above 0). */
    public List<Service> running() {
        return services.stream().filter(s -> s.scale() > 0).toList();
    }

    /** docker-compose v1's own rule for a directory's project name. */
    public static String projectName(String dir) {
        String trimmed = dir.endsWith("/") ? dir.substring(0, dir.length() - 1) : dir;
        String base = trimmed.substring(trimmed.lastIndexOf('/') + 1);
        return base.toLowerCase(Locale.ROOT).replaceAll("[^-_a-z0-9]", "");
    }
}
