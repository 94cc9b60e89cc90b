package dev.infra.inventory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;

/**
 * The app's compose project on every host of one role (app or worker).
 *
 * @param envFiles       every env file the services load, in order
 * @param managedEnvFile the one env file in which infra owns {@code managedEnv}'s keys; every other
 *                       line of that file belongs to someone else and is preserved
 * @param natsAlias      the extra_hosts name containers use to reach NATS (NATS_URL's host)
 * @param extraHosts     further extra_hosts aliases (db, redis, rabbitmq), name → IP
 * @param appOwnsCompose the compose file is the app's (tracked in its git checkout): infra never writes
 *                       it, manages only its env keys, and runs compose with the app's own file(s)
 * @param composeEnvFile the compose-level env file (`--env-file`) the app's file interpolates, if any
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
        Optional<String> composeEnvFile) {

    /** One compose service of the deployment. */
    public record Service(String name, Optional<String> image, Optional<String> command, int scale, List<String> ports) {}
}
