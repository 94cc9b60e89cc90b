package dev.infra.render;

import java.util.List;
import java.util.Locale;

/**
 * One compose project a host runs: where its file is, its project name (always passed as -p, so
 * docker-compose v1 and `docker compose` v2 agree), the services that should run (scale > 0), and
 * which files feed its containers (a change to any of them means recreating them).
 *
 * @param reloadableConfig a file whose change alone needs a reload, not a recreate (nats.conf)
 */
public record ComposeProject(String name, String dir, String composeFile, List<Service> services,
                             List<String> envFiles, List<String> reloadableConfig, boolean nats) {

    public record Service(String name, int scale) {}

    public String composePath() {
        return Renderer.join(dir, composeFile);
    }

    /** docker-compose v1's own rule for a directory's project name. */
    public static String projectName(String dir) {
        String trimmed = dir.endsWith("/") ? dir.substring(0, dir.length() - 1) : dir;
        String base = trimmed.substring(trimmed.lastIndexOf('/') + 1);
        return base.toLowerCase(Locale.ROOT).replaceAll("[^-_a-z0-9]", "");
    }
}
