package dev.infra.apply;

import dev.infra.observe.Observer;
import dev.infra.ssh.RemoteCommand;
import dev.infra.ssh.Shell;

/**
 * The fleet lock's commands: a directory made atomically by mkdir, holding who took it. Built and
 * quoted here only; tested in a real sh.
 */
public final class LockCommands {
    public static final String DIR = Observer.STATE_DIR + "/lock";
    public static final String INFO = DIR + "/info";
    /** What {@link #take} prints when the lock was free and is now ours. */
    public static final String ACQUIRED = "ACQUIRED";

    private LockCommands() {}

    /** Takes the lock and records {@code infoJson}; when it is held, prints the holder's record instead. */
    public static RemoteCommand take(String infoJson) {
        return RemoteCommand.of("take the fleet lock",
                "mkdir -p " + Shell.path(Observer.STATE_DIR) + " && if mkdir " + Shell.path(DIR) + " 2>/dev/null; then printf '%s\\n' "
                        + Shell.quote(infoJson) + " > " + Shell.path(INFO) + "; echo " + ACQUIRED + "; else cat "
                        + Shell.path(INFO) + " 2>/dev/null || echo '(no info)'; fi");
    }

    /** The holder's record; nothing when the lock is free. */
    public static RemoteCommand read() {
        return RemoteCommand.of("read the fleet lock", "cat " + Shell.path(INFO) + " 2>/dev/null || true");
    }

    public static RemoteCommand release() {
        return RemoteCommand.of("release the fleet lock", "rm -rf " + Shell.path(DIR));
    }
}
