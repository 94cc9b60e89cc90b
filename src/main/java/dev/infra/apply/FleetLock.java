package dev.infra.apply;

import dev.infra.observe.Observer;
import dev.infra.ssh.ExecResult;
import dev.infra.ssh.Remote;
import dev.infra.ssh.RemoteCommand;
import dev.infra.ssh.Shell;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One apply at a time for the whole fleet, as Kamal does it: a lock directory on the bastion
 * (mkdir is atomic), holding who took it, when, and for what. A second apply is refused with the
 * holder's name; `infra lock release` removes a lock whose run is gone.
 */
public final class FleetLock {
    public static final String DIR = Observer.STATE_DIR + "/lock";
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final Remote remote;

    public FleetLock(Remote remote) {
        this.remote = remote;
    }

    /** The fleet's lock lives on its (first) bastion: every run passes through it anyway. */
    public static FleetLock of(dev.infra.fleet.Fleet fleet) {
        var inv = fleet.inventory();
        var host = inv.hostsWith(dev.infra.inventory.Role.BASTION).stream().findFirst()
                .orElse(inv.hosts().values().iterator().next());
        return new FleetLock(fleet.remote(host));
    }

    /** What the lock records: who, which process, since when, doing what. */
    public static String info(String who, String command) {
        var json = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
        json.put("who", who);
        json.put("pid", ProcessHandle.current().pid());
        json.put("since", Instant.now().toString());
        json.put("command", command);
        return json.toString();
    }

    public String where() {
        return remote.endpoint().name() + ":" + DIR;
    }

    /** Takes the lock or returns who holds it. */
    public Optional<String> tryAcquire(String infoJson) {
        ExecResult r = remote.run(RemoteCommand.of("take the fleet lock",
                "mkdir -p " + Shell.path(Observer.STATE_DIR) + " && if mkdir " + Shell.path(DIR) + " 2>/dev/null; then printf '%s\\n' "
                        + Shell.quote(infoJson) + " > " + Shell.path(DIR + "/info") + "; echo ACQUIRED; else cat "
                        + Shell.path(DIR + "/info") + " 2>/dev/null || echo '(no info)'; fi"), TIMEOUT);
        if (!r.ok()) {
            throw new IllegalStateException("cannot take the fleet lock at " + where() + ": " + r.reason());
        }
        return r.stdout().strip().equals("ACQUIRED") ? Optional.empty() : Optional.of(r.stdout().strip());
    }

    public String acquire(String infoJson, Duration wait) {
        Instant deadline = Instant.now().plus(wait);
        while (true) {
            Optional<String> holder = tryAcquire(infoJson);
            if (holder.isEmpty()) {
                return infoJson;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new LockHeld(holder.get(), where());
            }
            try {
                Thread.sleep(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LockHeld(holder.get(), where());
            }
        }
    }

    public Optional<String> status() {
        ExecResult r = remote.run(RemoteCommand.of("read the fleet lock", "cat " + Shell.path(DIR + "/info") + " 2>/dev/null || true"), TIMEOUT);
        return r.stdout().isBlank() ? Optional.empty() : Optional.of(r.stdout().strip());
    }

    public void release() {
        remote.run(RemoteCommand.of("release the fleet lock", "rm -rf " + Shell.path(DIR)), TIMEOUT);
    }

    /** The lock is taken by someone else. */
    public static final class LockHeld extends RuntimeException {
        public LockHeld(String holder, String where) {
            super("the fleet is locked by another apply: " + holder + " (" + where + ").\n"
                    + "  Wait for it (--lock-wait 10m), or if that run is gone: infra lock release");
        }
    }
}
