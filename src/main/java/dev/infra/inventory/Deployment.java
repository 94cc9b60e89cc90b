package dev.infra.inventory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The app's compose project on every host of one role (app or worker).
 *
 * @param envFiles       every env file the services load, in order
 * @param managedEnvFile the one env file in which infra owns {@code managedEnv}'s keys; every other
 *                       line of that file belongs to someone else and is preserved
 * @param natsAlias      the extra_hosts name containers use to reach NATS (NATS_URL's host)
 * @param extraHosts     further extra_hosts aliases (db, redis, rabbitmq), name → IP
 * @param services       each service's compose settings, the deployment's {@code defaults} already merged in
 * @param appOwnsCompose the compose file is the app's (tracked in its git checkout): infra never writes
 *                       it, manages only its env keys, and runs compose with the app's own file(s)
 * @param composeEnvFile the compose-level env file (`--env-file`) the app's file interpolates, if any
 * @param perHost        host name → service name → settings that host's copy of the service overrides
 */
public record Deployment(
        Role role,
        String deployDir,
        String composeFile,
        String image,
        String restart,
        List<String> envFiles,
        String managedEnvFile,
        LinkedHashMap<String, String> managedEnv,
        String natsAlias,
        LinkedHashMap<String, String> extraHosts,
        LinkedHashMap<String, Service> services,
        boolean appOwnsCompose,
        Optional<String> composeEnvFile,
        Map<String, Map<String, Map<String, Object>>> perHost) {

    public Deployment(Role role, String deployDir, String composeFile, String image, String restart, List<String> envFiles,
                      String managedEnvFile, LinkedHashMap<String, String> managedEnv, String natsAlias,
                      LinkedHashMap<String, String> extraHosts, LinkedHashMap<String, Service> services, boolean appOwnsCompose,
                      Optional<String> composeEnvFile) {
        this(role, deployDir, composeFile, image, restart, envFiles, managedEnvFile, managedEnv, natsAlias, extraHosts, services,
                appOwnsCompose, composeEnvFile, Map.of());
    }

    /** This deployment as {@code host} runs it: its per-host overrides merged into the services. */
    public Deployment forHost(String host) {
        Map<String, Map<String, Object>> overrides = perHost.getOrDefault(host, Map.of());
        if (overrides.isEmpty()) {
            return this;
        }
        LinkedHashMap<String, Service> merged = new LinkedHashMap<>();
        services.forEach((name, s) -> merged.put(name,
                new Service(name, ComposeSettings.merge(s.settings(), overrides.getOrDefault(name, Map.of())))));
        return new Deployment(role, deployDir, composeFile, image, restart, envFiles, managedEnvFile, managedEnv, natsAlias,
                extraHosts, merged, appOwnsCompose, composeEnvFile, Map.of());
    }

    /**
     * One compose service of the deployment: its settings in compose's own vocabulary (see
     * {@link ComposeSettings}); the accessors below are the ones infra itself reasons about.
     */
    public record Service(String name, Map<String, Object> settings) {
        public Service(String name, Optional<String> image, Optional<String> command, int scale, List<String> ports) {
            this(name, legacy(image, command, scale, ports));
        }

        private static Map<String, Object> legacy(Optional<String> image, Optional<String> command, int scale, List<String> ports) {
            LinkedHashMap<String, Object> s = new LinkedHashMap<>();
            image.ifPresent(v -> s.put("image", v));
            command.ifPresent(v -> s.put("command", v));
            if (!ports.isEmpty()) {
                s.put("ports", List.copyOf(ports));
            }
            s.put("scale", scale);
            return s;
        }

        public Optional<String> image() {
            return Optional.ofNullable((String) settings.get("image"));
        }

        public int scale() {
            return (Integer) settings.getOrDefault("scale", 1);
        }

        @SuppressWarnings("unchecked")
        public List<String> ports() {
            return (List<String>) settings.getOrDefault("ports", List.of());
        }

        @SuppressWarnings("unchecked")
        public List<String> envFiles() {
            return (List<String>) settings.getOrDefault("env_file", List.of());
        }

        /** Built here from the app's source (build:), so `up` needs --build and the image is not pulled. */
        public boolean builds() {
            return settings.containsKey("build");
        }
    }
}
