package dev.infra.apply;

import dev.infra.observe.Observer;
import dev.infra.render.ComposeProject;
import dev.infra.ssh.RemoteCommand;
import dev.infra.ssh.Shell;
import dev.infra.units.Hashing;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Every command apply sends to a host, built as data and quoted here; nothing else writes shell.
 * Files are written as temp file → fsync → rename in the same directory, after copying the current
 * version to {@code <file>.infra-bak}, so a host has either the old bytes or the new, never half.
 */
public final class HostCommands {
    public static final String BACKUP_SUFFIX = ".infra-bak";
    public static final String AUDIT_LOG = Observer.STATE_DIR + "/audit.log";

    private HostCommands() {}

    /**
     * Writes stdin to {@code path} atomically; new files get {@code newMode}, existing ones keep theirs.
     * {@code expectedSha256} is what the file held when it was read (empty: it did not exist); if
     * someone changed it since, nothing is written (exit 3) — their edit is never overwritten unseen.
     * What arrives on stdin is checked against {@code content}'s SHA-256 before it replaces anything:
     * a client killed mid-stream closes stdin early, and a cut-off file must never look like a whole one.
     */
    public static RemoteCommand atomicWrite(String path, String newMode, Optional<String> expectedSha256, byte[] content) {
        return atomicWrite(path, newMode, expectedSha256, false, content);
    }

    /** As above; with {@code enforceMode} an existing file gets {@code newMode} too (a file that now carries a secret). */
    public static RemoteCommand atomicWrite(String path, String newMode, Optional<String> expectedSha256, boolean enforceMode,
            byte[] content) {
        String p = Shell.path(path);
        String guard = expectedSha256
                .map(sha -> "if [ ! -e \"$p\" ] || [ \"$(sha256sum < \"$p\" | cut -d' ' -f1)\" != " + Shell.quote(sha) + " ]; then "
                        + "echo \"$p changed since infra read it; run infra again\" >&2; exit 3; fi\n")
                .orElse("if [ -e \"$p\" ]; then echo \"$p appeared since infra read it; run infra again\" >&2; exit 3; fi\n");
        return RemoteCommand.of("write " + path,
                "set -eu\n"
                        + "p=" + p + "\n"
                        + guard
                        + "d=$(dirname \"$p\"); mkdir -p \"$d\"\n"
                        + "full() { echo \"no room to write $p: the disk holding $d is full (free some space, then run infra again)\" >&2; exit 1; }\n"
                        + "t=$(mktemp \"$d/.infra-write.XXXXXX\") || full\n"
                        + "trap 'rm -f \"$t\" \"$t.bak\"' EXIT\n"
                        + "cat > \"$t\" || full\n"
                        + "if [ \"$(sha256sum < \"$t\" | cut -d' ' -f1)\" != " + Shell.quote(Hashing.sha256Hex(content)) + " ]; then "
                        + "echo \"$p: the new content arrived incomplete (the connection was cut); nothing was changed\" >&2; exit 1; fi\n"
                        // The backup is copied whole, then renamed: a full disk never leaves a truncated .infra-bak.
                        + "if [ -e \"$p\" ]; then " + (enforceMode ? "chmod " + Shell.quote(newMode) : "chmod --reference=\"$p\"")
                        + " \"$t\"; cp -p \"$p\" \"$t.bak\" || full; mv -f \"$t.bak\" \"$p" + BACKUP_SUFFIX + "\"; "
                        + "else chmod " + Shell.quote(newMode) + " \"$t\"; rm -f \"$p" + BACKUP_SUFFIX + "\"; fi\n"
                        + "sync \"$t\" 2>/dev/null || sync\n"
                        + "mv -f \"$t\" \"$p\"\n"
                        + "trap - EXIT\n");
    }

    /** Puts the previous version back (or removes a file that did not exist before). */
    public static RemoteCommand restore(String path, boolean existedBefore) {
        String p = Shell.path(path);
        return RemoteCommand.of("restore " + path, existedBefore
                ? "set -eu\np=" + p + "\nmv -f \"$p" + BACKUP_SUFFIX + "\" \"$p\"\n"
                : "set -eu\np=" + p + "\nrm -f \"$p\"\n");
    }

    /** Back to the state before infra's last write: the backup if infra made one, else no file. */
    public static RemoteCommand restoreOrRemove(String path) {
        String p = Shell.path(path);
        return RemoteCommand.of("restore " + path,
                "p=" + p + "\nif [ -e \"$p" + BACKUP_SUFFIX + "\" ]; then mv -f \"$p" + BACKUP_SUFFIX + "\" \"$p\"; else rm -f \"$p\"; fi\n");
    }

    public static String compose(String flavor, ComposeProject p) {
        String tool = "v2".equals(flavor) ? "docker compose" : "docker-compose";
        return "cd " + Shell.path(p.dir()) + " && " + tool + " -p " + Shell.quote(p.name()) + " -f " + Shell.quote(p.composeFile())
                + p.composeEnvFile().map(e -> " --env-file " + Shell.path(e)).orElse("");
    }

    /** `up -d` for these services; {@code recreate} forces new containers even if compose sees no change. */
    public static RemoteCommand up(String flavor, ComposeProject p, Collection<String> services, boolean recreate) {
        return RemoteCommand.of((recreate ? "recreate " : "start ") + String.join(", ", services) + " (" + p.name() + ")",
                compose(flavor, p) + " up -d" + (recreate ? " --force-recreate" : "") + " " + Shell.join(List.copyOf(services)) + " 2>&1");
    }

    /** Removes a project's containers (and its network), keeping volumes. */
    public static RemoteCommand down(String flavor, ComposeProject p) {
        return RemoteCommand.of("take down " + p.name(), compose(flavor, p) + " down 2>&1");
    }

    /** nats-server rereads its config on SIGHUP: no restart, no dropped connections. */
    public static RemoteCommand reload(String flavor, ComposeProject p, String service) {
        return RemoteCommand.of("reload " + service + " (SIGHUP)", compose(flavor, p) + " kill -s SIGHUP " + Shell.quote(service) + " 2>&1");
    }


    /**
     * Stops a NATS container cleanly (SIGTERM: JetStream flushes its store and closes its files) and
     * copies its store directory out to {@code staging} on the host. Exit 4 when the store is not there.
     */
    public static RemoteCommand stageStore(String container, String storeDir, String staging) {
        return RemoteCommand.of("stop " + container + " and copy its JetStream store to " + staging,
                "set -eu\n"
                        + "c=" + Shell.quote(container) + "\nfrom=" + Shell.quote(storeDir) + "\ns=" + Shell.path(staging) + "\n"
                        + "rm -rf \"$s\"; mkdir -p \"$s\"\n"
                        + "docker stop -t 30 \"$c\" >/dev/null\n"
                        + "if ! docker cp \"$c:$from/.\" \"$s/\" 2>&1; then docker start \"$c\" >/dev/null; "
                        + "echo \"the store $from cannot be copied out of $c\" >&2; exit 4; fi\n");
    }

    /**
     * Recreates {@code service} without starting it, copies the staged store into {@code storeDir} of
     * the new container (on its volume), then starts it: the same server, its data carried over.
     */
    public static RemoteCommand recreateWithStore(String flavor, ComposeProject p, String service, String staging, String storeDir) {
        String compose = compose(flavor, p);
        return RemoteCommand.of("recreate " + service + " (" + p.name() + ") with its JetStream store",
                "set -eu\n"
                        + "s=" + Shell.path(staging) + "\nto=" + Shell.quote(storeDir) + "\n"
                        + "(" + compose + " up --no-start --force-recreate " + Shell.quote(service) + ") 2>&1\n"
                        + "c=$(docker ps -aq --filter label=com.docker.compose.project=" + Shell.quote(p.name())
                        + " --filter label=com.docker.compose.service=" + Shell.quote(service)
                        + " --filter label=com.docker.compose.oneoff=False | head -n1)\n"
                        + "test -n \"$c\" || { echo 'compose created no container' >&2; exit 4; }\n"
                        // A tar rooted at / creates the directories above the store (a fresh container has no /tmp/nats).
                        + "tar -C \"$s\" -cf - --transform \"s,^\\.,${to#/},\" . | docker cp - \"$c:/\"\n"
                        + "(" + compose + " up -d " + Shell.quote(service) + ") 2>&1\n");
    }

    /** The name of the throwaway server that serves a staged store copy, so its streams can be read. */
    public static final String STORE_COPY_CONTAINER = "infra-nats-store-copy";

    /**
     * Serves a copy of the staged JetStream store with a throwaway standalone nats-server of
     * {@code image}, reachable only on the host's loopback (no client of the fleet can reach it and
     * write); prints the host port. The staged store itself is left as it is, as the backup.
     */
    public static RemoteCommand serveStoreCopy(String image, String staging) {
        return RemoteCommand.of("serve a copy of the staged JetStream store on the host's loopback",
                "set -eu\n"
                        + "s=" + Shell.path(staging) + "\nc=" + STORE_COPY_CONTAINER + "\n"
                        + "docker rm -f \"$c\" >/dev/null 2>&1 || true\n"
                        + "rm -rf \"$s.serve\"; mkdir -p \"$s.serve\"; cp -a \"$s/.\" \"$s.serve/jetstream\"\n"
                        + "docker run -d --name \"$c\" -p 127.0.0.1::4222 -v \"$s.serve:/copy\" " + Shell.quote(image)
                        + " -js -sd /copy >/dev/null\n"
                        + "docker port \"$c\" 4222 | head -n1 | sed 's/.*://'\n");
    }

    /** Removes the throwaway server and its copy (the staged store stays). */
    public static RemoteCommand dropStoreCopy(String staging) {
        return RemoteCommand.of("remove the store copy's server",
                "docker rm -f " + STORE_COPY_CONTAINER + " >/dev/null 2>&1; rm -rf " + Shell.path(staging) + ".serve");
    }

    /**
     * Recreates {@code service} on a new, empty {@code volume}: a server joining a cluster must not
     * find its standalone streams on disk (the cluster would not know them). The old store was staged first.
     */
    public static RemoteCommand recreateEmpty(String flavor, ComposeProject p, String service, String volume) {
        String compose = compose(flavor, p);
        return RemoteCommand.of("recreate " + service + " (" + p.name() + ") with an empty JetStream store",
                "set -eu\n"
                        + "(" + compose + " rm -sf " + Shell.quote(service) + ") 2>&1\n"
                        + "v=" + Shell.quote(volume) + "\n"
                        + "if docker volume inspect \"$v\" >/dev/null 2>&1; then\n"
                        + "  docker volume rm \"$v\" >/dev/null || { echo \"the old JetStream volume $v cannot be removed\" >&2; exit 4; }\nfi\n"
                        + "(" + compose + " up -d " + Shell.quote(service) + ") 2>&1\n");
    }

    /** Starts a stopped container again as it was (a store move that stopped NATS and went no further). */
    public static RemoteCommand start(String container) {
        return RemoteCommand.of("start " + container + " again", "docker start " + Shell.quote(container) + " >/dev/null");
    }

    /** Remembers restarts that are due, so a run that dies after writing files leaves them visible. */
    public static RemoteCommand markPending(Collection<String> projectSlashService) {
        StringBuilder lines = new StringBuilder();
        projectSlashService.forEach(s -> lines.append(s).append('\n'));
        return RemoteCommand.of("remember due restarts",
                "mkdir -p " + Shell.path(Observer.STATE_DIR) + " && printf %s " + Shell.quote(lines.toString())
                        + " >> " + Shell.path(Observer.PENDING));
    }

    public static RemoteCommand clearPending() {
        return RemoteCommand.of("forget done restarts", "rm -f " + Shell.path(Observer.PENDING));
    }

    /** An operator's own command line (`infra exec`), run as they typed it: it is theirs to quote. */
    public static RemoteCommand operator(String commandLine) {
        return RemoteCommand.of(commandLine, commandLine);
    }

    public static RemoteCommand audit(String jsonLine) {
        return RemoteCommand.of("append to the audit log",
                "mkdir -p " + Shell.path(Observer.STATE_DIR) + " && printf '%s\\n' " + Shell.quote(jsonLine)
                        + " >> " + Shell.path(AUDIT_LOG));
    }
}
