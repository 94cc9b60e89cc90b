package dev.infra.render;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One compose project a host runs: where its file is, its project name (always passed as -p, so
 * docker-compose v1 and `docker compose` v2 agree), the services that should run (scale > 0), and
 * which files feed its containers (a change to any of them means recreating them).
 *
 * @param reloadableConfig a file whose change alone needs a reload, not a recreate (nats.conf)
 * @param appOwned         the compose file is the app's own (infra never writes it)
 * @param composeEnvFile   the `--env-file` compose interpolates the file with, relative to {@code dir}
 * @param hostPorts        the host ports its services publish (another container holding one blocks it)
 * @param requiredEnv      what every running container of the project must carry in its live
 *                         environment (the managed env entries of its env files; values may be
 *                         secret references)
 */
public record ComposeProject(String name, String dir, String composeFile, List<Service> services,
                             List<String> envFiles, List<String> reloadableConfig, boolean nats,
                             Map<String, String> requiredEnv, List<Integer> hostPorts, boolean appOwned,
                             Optional<String> composeEnvFile) {

    public ComposeProject(String name, String dir, String composeFile, List<Service> services, List<String> envFiles,
                          List<String> reloadableConfig, boolean nats, Map<String, String> requiredEnv) {
        this(name, dir, composeFile, services, envFiles, reloadableConfig, nats, requiredEnv, List.of(), false, Optional.empty());
    }

    public ComposeProject(String name, String dir, String composeFile, List<Service> services, List<String> envFiles,
                          List<String> reloadableConfig, boolean nats, Map<String, String> requiredEnv, List<Integer> hostPorts) {
        this(name, dir, composeFile, services, envFiles, reloadableConfig, nats, requiredEnv, hostPorts, false, Optional.empty());
    }

    /** The host port of a compose port mapping ("5001:5000", "127.0.0.1:8222:8222"), if it publishes one. */
    public static Optional<Integer> hostPort(String mapping) {
        String[] parts = mapping.replaceAll("/(tcp|udp)$", "").split(":");
        if (parts.length < 2) {
            return Optional.empty();
        }
        try {
            return Optional.of(Integer.parseInt(parts[parts.length - 2]));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

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
