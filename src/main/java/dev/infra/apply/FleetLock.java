package dev.infra.apply;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.infra.fleet.Fleet;
import dev.infra.ssh.ExecResult;
import dev.infra.ssh.Remote;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One apply at a time for the whole fleet, as Kamal does it: a lock directory on the host the
 * desired state names (the bastion: mkdir is atomic), holding who took it, when, and for what. A
 * second apply is refused with the holder's name; `infra lock release` removes a lock whose run is gone.
 */
public final class FleetLock {
    public static final String DIR = LockCommands.DIR;
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Remote remote;

    public FleetLock(Remote remote) {
        this.remote = remote;
    }

    public static FleetLock of(Fleet fleet) {
        return new FleetLock(fleet.remote(fleet.inventory().hosts().get(fleet.desiredFleet().lockHost())));
    }

    /**
     * Runs {@code action} holding the fleet's lock, taken for {@code who} doing {@code what} (waiting
     * up to {@code wait} for another holder), and always releases it.
     */
    public static <T> T holding(Fleet fleet, String who, String what, Duration wait, Supplier<T> action) {
        FleetLock lock = of(fleet);
        String mine = lock.acquire(info(who, what), wait);
        // Ctrl-C or a SIGTERM ends the JVM through its shutdown hooks: the lock goes with the run.
        Thread onSignal = new Thread(() -> lock.release(mine), "release-fleet-lock");
        Runtime.getRuntime().addShutdownHook(onSignal);
        try {
            return action.get();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(onSignal);
                lock.release(mine);
            } catch (IllegalStateException shuttingDown) {
                // the hook releases it
            }
        }
    }

    /** What the lock records: who, which process, since when, doing what. */
    public static String info(String who, String command) {
        ObjectNode json = JSON.createObjectNode();
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
        ExecResult r = remote.run(LockCommands.take(infoJson), TIMEOUT);
        if (!r.ok()) {
            throw new IllegalStateException("cannot take the fleet lock at " + where() + ": " + r.reason());
        }
        return r.stdout().strip().equals(LockCommands.ACQUIRED) ? Optional.empty() : Optional.of(r.stdout().strip());
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
        ExecResult r = remote.run(LockCommands.read(), TIMEOUT);
        return r.stdout().isBlank() ? Optional.empty() : Optional.of(r.stdout().strip());
    }

    /** Releases the lock if it still holds {@code infoJson} (ours); someone else's lock stays. */
    public void release(String infoJson) {
        try {
            remote.run(LockCommands.release(infoJson), TIMEOUT);
        } catch (RuntimeException e) {
            // the host may be gone; `infra lock status` shows a lock left behind
        }
    }

    /** Removes the lock whoever holds it: `infra lock release`, for a run that is gone. */
    public void breakLock() {
        remote.run(LockCommands.breakLock(), TIMEOUT);
    }

    /** The lock is taken by someone else. */
    public static final class LockHeld extends RuntimeException {
        public LockHeld(String holder, String where) {
            super("the fleet is locked by another apply: " + holder + " (" + where + ").\n"
                    + "  Wait for it (--lock-wait 10m), or if that run is gone: infra lock release");
        }
    }
}
