package dev.infra.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infra.testing.LocalSh;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fleet lock's commands, run by this machine's real sh with HOME pointing at a temp dir. */
class LockCommandsTest {
    @TempDir
    Path home;

    LocalSh.Result run(String script) {
        return LocalSh.inHome(home, script);
    }

    @Test
    void theFirstTakeAcquiresAndTheSecondPrintsTheHolder() throws Exception {
        String alice = FleetLock.info("alice@laptop", "infra apply --limit 'worker'; rm -rf /");
        assertThat(run(LockCommands.take(alice).script()).output().strip()).isEqualTo(LockCommands.ACQUIRED);
        assertThat(Files.readString(home.resolve(".infra/lock/info")).strip()).isEqualTo(alice);
        String second = run(LockCommands.take(FleetLock.info("bob@desk", "infra apply")).script()).output().strip();
        assertThat(second).isEqualTo(alice);
        assertThat(run(LockCommands.read().script()).output().strip()).isEqualTo(alice);
    }

    @Test
    void releaseFreesItAndReadingAFreeLockPrintsNothing() {
        String alice = FleetLock.info("alice@laptop", "infra apply");
        run(LockCommands.take(alice).script());
        assertThat(run(LockCommands.release(alice).script()).exitCode()).isZero();
        assertThat(home.resolve(".infra/lock")).doesNotExist();
        LocalSh.Result free = run(LockCommands.read().script());
        assertThat(free.exitCode()).isZero();
        assertThat(free.output()).isEmpty();
        assertThat(run(LockCommands.take(FleetLock.info("bob@desk", "infra apply")).script()).output().strip())
                .isEqualTo(LockCommands.ACQUIRED);
    }

    @Test
    void aRunWhoseLockWasReleasedByHandNeverRemovesTheNextHoldersLock() {
        String alice = FleetLock.info("alice@laptop", "infra apply");
        String bob = FleetLock.info("bob@desk", "infra apply");
        run(LockCommands.take(alice).script());
        run(LockCommands.breakLock().script());                  // an operator: infra lock release
        assertThat(run(LockCommands.take(bob).script()).output().strip()).isEqualTo(LockCommands.ACQUIRED);
        run(LockCommands.release(alice).script());               // alice's run ends afterwards
        assertThat(run(LockCommands.read().script()).output().strip()).as("bob still holds it").isEqualTo(bob);
    }

    @Test
    void aLockWithoutARecordIsHeldBySomeoneUnknownNeverFree() throws Exception {
        Files.createDirectories(home.resolve(".infra/lock"));     // a run that died between mkdir and the record
        assertThat(run(LockCommands.read().script()).output().strip()).isEqualTo(LockCommands.UNKNOWN);
        assertThat(run(LockCommands.take(FleetLock.info("bob@desk", "infra apply")).script()).output().strip())
                .isEqualTo(LockCommands.UNKNOWN);
        Files.writeString(home.resolve(".infra/lock/info"), "");
        assertThat(run(LockCommands.read().script()).output().strip()).isEqualTo(LockCommands.UNKNOWN);
    }
}
