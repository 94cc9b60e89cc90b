package dev.infra.apply;

import dev.infra.diag.Messages;
import dev.infra.fleet.Fleet;
import dev.infra.inventory.Host;
import dev.infra.nats.JetStreamSnapshot;
import dev.infra.nats.JobStream;
import dev.infra.nats.NatsAdmin;
import dev.infra.nats.StoreMove;
import dev.infra.nats.StreamBackup;
import dev.infra.observe.Observer;
import dev.infra.plan.Plan;
import dev.infra.render.ComposeProject;
import dev.infra.render.NatsServer;
import dev.infra.ssh.ExecResult;
import dev.infra.ssh.Remote;
import dev.infra.ssh.RemoteCommand;
import dev.infra.units.Durations;
import dev.infra.verify.CheckResult.Outcome;
import dev.infra.verify.Status;
import io.nats.client.JetStreamApiException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

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
    private final String image;
    /** A line of progress for the operator, under the host's name. */
    private final Consumer<String> say;
    private JetStreamSnapshot before;
    private List<StreamBackup.Backup> backups;
    private boolean staged;
    private boolean recreated;

    StoreMover(Fleet fleet, Host host, Remote remote, Plan.StoreMove move, Consumer<String> say) {
        this.fleet = fleet;
        this.say = say;
        this.host = host;
        this.remote = remote;
        this.move = move;
        this.staging = DIR + "/" + STAMP.format(Instant.now());
        this.image = fleet.desired(host.name()).duties().natsServer().map(NatsServer::image).orElse("");
    }

    /** Reads what the server holds now, stops it and copies its store out. Nothing else has changed yet. */
    String stage() {
        if (!move.joinsCluster()) {
            before = snapshot();
        }
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
        if (move.joinsCluster()) {
            // Stopped, nobody writes any more: what the copy holds is everything, read without a race.
            readCopy();
        }
        return "stopped " + move.container() + " and copied its JetStream store (" + before.streams().size() + " stream(s), "
                + before.messages() + " message(s)) to " + staging;
    }

    boolean joinsCluster() {
        return move.joinsCluster();
    }

    String container() {
        return move.container();
    }

    boolean moves(ComposeProject p, String service) {
        return p.nats() && service.equals(move.service());
    }

    /**
     * Serves the staged copy with a throwaway server on the host's loopback and snapshots every
     * stream from it, consumers included (JetStream's own backup format). A memory-storage stream is
     * not on disk, so not in the copy: it is named, since the cluster will not have it.
     */
    private void readCopy() {
        ExecResult served = remote.run(HostCommands.serveStoreCopy(image, staging), STEP);
        try {
            if (!served.ok() || !served.stdout().strip().matches("\\d+")) {
                throw new Applier.StepFailed("the staged store could not be served for reading (" + served.reason() + ")");
            }
            int port = Integer.parseInt(served.stdout().strip());
            IOException last = null;
            for (int i = 0; i < 30 && backups == null; i++) {
                try (NatsAdmin admin = new NatsAdmin(remote, port, fleet.inventory(), fleet.secrets(), Duration.ofSeconds(10))) {
                    List<JobStream> streams = admin.streams();
                    before = JetStreamSnapshot.of(streams);
                    List<StreamBackup.Backup> all = new ArrayList<>();
                    for (JobStream st : streams) {
                        all.add(StreamBackup.snapshot(admin.connection(), st.name(), Duration.ofSeconds(30)));
                    }
                    backups = all;
                } catch (IOException e) {
                    last = e;
                    Durations.pause(Duration.ofMillis(500));
                }
            }
            if (backups == null) {
                throw new Applier.StepFailed("the staged store's streams could not be read: " + (last == null ? "no answer" : last.getMessage()));
            }
            List<String> notOnDisk = StoreMove.lost(move.atStake(), before);
            if (!notOnDisk.isEmpty()) {
                say.accept("not carried into the cluster (memory storage, or deleted since the plan): " + String.join("; ", notOnDisk));
            }
        } finally {
            remote.run(HostCommands.dropStoreCopy(staging), Duration.ofMinutes(1));
        }
    }

    /** The new container, started with the store on its volume; joining a cluster, on an empty one. */
    void recreate(String flavor, ComposeProject p) {
        recreated = true;
        run(move.joinsCluster() ? HostCommands.recreateEmpty(flavor, p, move.service(), move.volume())
                : HostCommands.recreateWithStore(flavor, p, move.service(), staging, move.to()));
    }

    /**
     * After the gate: everything the server held before is still there. Joining a cluster, first the
     * cluster must be whole, then each stream is restored with its replicas.
     */
    String check() {
        if (move.joinsCluster()) {
            restoreIntoCluster();
        }
        JetStreamSnapshot after = snapshot();
        List<String> lost = StoreMove.lost(before, after);
        // A restored stream answers before its consumers have their replicas and leader: give them a moment.
        for (int i = 0; i < 40 && !lost.isEmpty() && move.joinsCluster(); i++) {
            Durations.pause(Duration.ofMillis(500));
            after = snapshot();
            lost = StoreMove.lost(before, after);
        }
        if (!lost.isEmpty()) {
            throw new Applier.StepFailed("JetStream lost data in the move: " + String.join("; ", lost));
        }
        return (move.joinsCluster() ? "restored into the cluster as R" + move.joinReplicas() + "; " : "")
                + "JetStream kept every stream and consumer: " + after.streams().size() + " stream(s), " + after.messages()
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

    private void restoreIntoCluster() {
        Outcome whole = fleet.awaitClusterReady(Applier.HEALTH_TIMEOUT);
        if (whole.status() != Status.OK) {
            throw new Applier.StepFailed("the NATS cluster did not form (" + whole.message() + "); the streams were not restored"
                    + " (their store is in " + staging + ")");
        }
        try (NatsAdmin admin = new NatsAdmin(remote, fleet.inventory(), fleet.secrets(), Duration.ofSeconds(10))) {
            List<String> there = admin.management().getStreamNames();
            for (StreamBackup.Backup b : backups) {
                if (there.contains(b.stream())) {
                    // Left by an earlier attempt that was rolled back: no client has reached the cluster since
                    // (the fleet's NATS_URL still names this server), so the copy restored now is the truth.
                    admin.management().deleteStream(b.stream());
                    say.accept("replaced " + b.stream() + ", left in the cluster by an earlier attempt");
                }
                StreamBackup.restore(admin.connection(), b, move.joinReplicas(), Duration.ofSeconds(30));
            }
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            throw new Applier.StepFailed("restoring the streams into the cluster failed: " + Messages.of(e));
        }
    }

    private void run(RemoteCommand c) {
        ExecResult r = remote.run(c, STEP);
        if (!r.ok()) {
            throw new Applier.StepFailed(c.description() + " failed: " + r.reason());
        }
    }

    /** What the server holds now; a cluster's freshly restored streams and consumers may take a moment to answer. */
    private JetStreamSnapshot snapshot() {
        IOException last = null;
        for (int i = 0; i < (move.joinsCluster() ? 20 : 1); i++) {
            try (NatsAdmin admin = new NatsAdmin(remote, fleet.inventory(), fleet.secrets(), Duration.ofSeconds(10))) {
                return JetStreamSnapshot.of(admin.streams());
            } catch (IOException e) {
                last = e;
                Durations.pause(Duration.ofMillis(500));
            }
        }
        throw new Applier.StepFailed("cannot read JetStream on " + host.name() + ": " + last.getMessage());
    }
}
