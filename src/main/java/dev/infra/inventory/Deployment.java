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
 * @param release        the app's source (git remote and ref) and its release commands, when infra ships versions of it
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
        Map<String, Map<String, Map<String, Object>>> perHost,
        Optional<Release> release) {

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
                extraHosts, merged, appOwnsCompose, composeEnvFile, Map.of(), release);
    }

    /**
     * One compose service of the deployment: its settings in compose's own vocabulary (see
     * {@link ComposeSettings}); the accessors below are the ones infra itself reasons about.
     */
    public record Service(String name, Map<String, Object> settings) {
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

        /** The env files it loads besides the deployment's, relative to deploy_dir (a leading ./ dropped) or absolute. */
        @SuppressWarnings("unchecked")
        public List<String> envFiles() {
            return (List<String>) settings.getOrDefault("env_file", List.of());
        }

        /** Built from source (build:) rather than only pulled: such a service needs no image of the deployment's. */
        public boolean builds() {
            return settings.containsKey("build");
        }
    }
}
