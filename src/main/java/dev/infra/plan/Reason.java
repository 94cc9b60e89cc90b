package dev.infra.plan;

import java.util.Locale;

/** Why a service is started, recreated or reloaded: stable ids for the JSON plan, beside a sentence for people. */
public enum Reason {
    /** no container of the service exists */
    NOT_RUNNING,
    /** fewer containers run than its scale */
    TOO_FEW_RUNNING,
    /** its compose file changes */
    COMPOSE_CHANGED,
    /** its compose file changes the image it runs */
    IMAGE_CHANGED,
    /** a managed key of an env file it loads changes */
    ENV_CHANGED,
    /** only nats.conf changes: a SIGHUP, no restart */
    CONF_ONLY_RELOAD,
    /** nats.conf changes a setting nats-server cannot reload (store limits, names, ports, cluster): a restart */
    CONF_NEEDS_RESTART,
    /** the files are right but a running container still has an old environment */
    STALE_ENVIRONMENT,
    /** an interrupted apply left the restart due */
    PENDING_RESTART,
    /** asked for by `infra restart` */
    ROLLING_RESTART,
    /** its checkout moves to another version of the app: rebuilt and recreated */
    NEW_VERSION;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Reason parse(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }
}
