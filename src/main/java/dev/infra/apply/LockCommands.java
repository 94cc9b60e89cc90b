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
    /** The holder of a lock whose record is missing or empty (a run that died while taking it, a full disk). */
    public static final String UNKNOWN = "(holder unknown: the lock exists without a record of who took it)";
    private static final String HOLDER = "i=$(cat " + Shell.path(INFO) + " 2>/dev/null); if [ -n \"$i\" ]; then printf '%s\\n' \"$i\"; else echo "
            + Shell.quote(UNKNOWN) + "; fi";

    private LockCommands() {}

    /**
     * Takes the lock and records {@code infoJson} (written whole, then renamed: a reader never sees
     * half a record); when it is held, prints the holder's record instead. Fails (and releases what it
     * took) when the record cannot be written.
     */
    public static RemoteCommand take(String infoJson) {
        return RemoteCommand.of("take the fleet lock",
                "mkdir -p " + Shell.path(Observer.STATE_DIR) + " || exit 1\n"
                        + "if mkdir " + Shell.path(DIR) + " 2>/dev/null; then\n"
                        + "  if printf '%s\\n' " + Shell.quote(infoJson) + " > " + Shell.path(INFO + ".tmp") + " && mv -f "
                        + Shell.path(INFO + ".tmp") + " " + Shell.path(INFO) + "; then echo " + ACQUIRED + "; else rm -rf " + Shell.path(DIR)
                        + "; echo 'cannot write the lock record (disk full?)' >&2; exit 1; fi\n"
                        + "else " + HOLDER + "; fi");
    }

    /** The holder's record ({@link #UNKNOWN} when it has none); nothing when the lock is free. */
    public static RemoteCommand read() {
        return RemoteCommand.of("read the fleet lock", "if [ -d " + Shell.path(DIR) + " ]; then " + HOLDER + "; fi");
    }

    /** Releases the lock only while it still holds {@code infoJson}: a run never removes the next holder's lock. */
    public static RemoteCommand release(String infoJson) {
        return RemoteCommand.of("release the fleet lock",
                "if [ \"$(cat " + Shell.path(INFO) + " 2>/dev/null)\" = " + Shell.quote(infoJson) + " ]; then rm -rf " + Shell.path(DIR) + "; fi");
    }

    /** Removes the lock whoever holds it (`infra lock release`, for a run that is gone). */
    public static RemoteCommand breakLock() {
        return RemoteCommand.of("release the fleet lock", "rm -rf " + Shell.path(DIR));
    }
}
