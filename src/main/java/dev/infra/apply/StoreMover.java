package dev.infra.apply;

import dev.infra.fleet.Fleet;
import dev.infra.inventory.Host;
import dev.infra.nats.JetStreamSnapshot;
import dev.infra.nats.NatsAdmin;
import dev.infra.nats.StoreMove;
import dev.infra.observe.Observer;
import dev.infra.plan.Plan;
import dev.infra.render.ComposeProject;
import dev.infra.ssh.ExecResult;
import dev.infra.ssh.Remote;
import dev.infra.ssh.RemoteCommand;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Carries JetStream's data over when apply recreates the NATS container with its store elsewhere:
 * what the server holds is read, the server is stopped cleanly and its store copied out to the host
 * (kept there afterwards as a backup), the new container gets the copy on its volume before it starts,
 * and every stream and consumer is checked afterwards. A rollback puts the copy back into the old
 * container the same way.
 */
final class StoreMover {
    static final String DIR = Observer.STATE_DIR + "/jetstream-moves";
    private static final Duration STEP = Duration.ofMinutes(10);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final Fleet fleet;
    private final Host host;
    private final Remote remote;
    private final Plan.StoreMove move;
    private final String staging;
    private JetStreamSnapshot before;
    private boolean staged;
    private boolean recreated;

    StoreMover(Fleet fleet, Host host, Remote remote, Plan.StoreMove move) {
        this.fleet = fleet;
        this.host = host;
        this.remote = remote;
        this.move = move;
        this.staging = DIR + "/" + STAMP.format(Instant.now());
    }

    /** Reads what the server holds now, stops it and copies its store out. Nothing else has changed yet. */
    String stage() {
        before = snapshot();
        ExecResult r = remote.run(HostCommands.stageStore(move.container(), move.from(), staging), STEP);
        if (!r.ok()) {
            // The script starts it again itself, unless it was cut short (a timeout): make sure, and say what happened.
            ExecResult started = remote.run(HostCommands.start(move.container()), Duration.ofMinutes(1));
            throw new Applier.StepFailed("JetStream's store could not be copied out of " + move.container() + " (" + r.reason() + "); "
                    + (started.ok() ? "NATS was started again as it was and nothing changed" : "NATS could not be started again ("
                    + started.reason() + "): start it with `docker start " + move.container() + "`")
                    + ". infra apply --allow-data-loss recreates it without its data");
        }
        staged = true;
        return "stopped " + move.container() + " and copied its JetStream store (" + before.streams().size() + " stream(s), "
                + before.messages() + " message(s)) to " + staging;
    }

    String container() {
        return move.container();
    }

    boolean moves(ComposeProject p, String service) {
        return p.nats() && service.equals(move.service());
    }

    /** The new container, started with the store on its volume. */
    void recreate(String flavor, ComposeProject p) {
        recreated = true;
        run(HostCommands.recreateWithStore(flavor, p, move.service(), staging, move.to()));
    }

    /** After the gate: everything the server held before is still there. */
    String check() {
        JetStreamSnapshot after = snapshot();
        List<String> lost = StoreMove.lost(before, after);
        if (!lost.isEmpty()) {
            throw new Applier.StepFailed("JetStream lost data in the move: " + String.join("; ", lost));
        }
        return "JetStream kept every stream and consumer: " + after.streams().size() + " stream(s), " + after.messages()
                + " message(s) (the copy stays in " + staging + " until you remove it)";
    }

    /**
     * Rollback: the old server again with the store it had — the stopped original started as it was
     * when nothing was recreated yet, else a container of the old configuration with the copy put back.
     */
    boolean restore(String flavor, ComposeProject p) {
        if (!staged || !p.nats()) {
            return false;
        }
        run(recreated ? HostCommands.recreateWithStore(flavor, p, move.service(), staging, move.from())
                : HostCommands.start(move.container()));
        return true;
    }

    private void run(RemoteCommand c) {
        ExecResult r = remote.run(c, STEP);
        if (!r.ok()) {
            throw new Applier.StepFailed(c.description() + " failed: " + r.reason());
        }
    }

    private JetStreamSnapshot snapshot() {
        try (NatsAdmin admin = new NatsAdmin(remote, fleet.inventory(), fleet.secrets(), Duration.ofSeconds(10))) {
            return JetStreamSnapshot.of(admin.streams());
        } catch (IOException e) {
            throw new Applier.StepFailed("cannot read JetStream on " + host.name() + ": " + e.getMessage());
        }
    }
}
