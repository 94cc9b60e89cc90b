package dev.infra.release;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infra.inventory.Release;
import dev.infra.testing.LocalSh;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The release's git commands in a real sh against real git: an origin with v1 and v2, a clone at v1 as the host's checkout. */
class ReleaseCommandsTest {
    static final String GIT = "git -c user.name=dev -c user.email=dev@example.org";

    @TempDir
    Path home;
    String origin;

    LocalSh.Result sh(String script) {
        return LocalSh.inHome(home, script);
    }

    String git(String dir, String args) {
        LocalSh.Result r = sh("cd " + dir + " && " + args);
        assertThat(r.exitCode()).as(r.output()).isZero();
        return r.output().strip();
    }

    @BeforeEach
    void originAndCheckout() {
        origin = home.resolve("origin.git").toString();
        git(home.toString(), "mkdir src && cd src && git init -q -b main && echo one > app.txt && " + GIT + " add -A && " + GIT
                + " commit -qm 'first version' && git tag v1 && echo two > app.txt && " + GIT + " commit -qam 'worker drains on SIGTERM' && echo three >> app.txt && "
                + GIT + " commit -qam 'add a migration' && git tag v2 && git init -q --bare -b main " + origin + " && git push -q " + origin
                + " main --tags && cd .. && git clone -q " + origin + " app && cd app && git -c advice.detachedHead=false checkout -q v1");
    }

    Checkout probe(String ref) {
        return Checkout.parse(sh(ReleaseCommands.probe("~/app", rel(origin, ref))).output());
    }

    @Test
    void theProbeShowsTheCommitsBetweenTheCheckoutAndTheRef() {
        String v1 = git(home.resolve("app").toString(), "git rev-parse v1");
        String v2 = git(home.resolve("app").toString(), "git rev-parse v2");
        Checkout c = probe("v2");
        assertThat(c.problem()).isEmpty();
        assertThat(c.head()).isEqualTo(v1);
        assertThat(c.target()).contains(v2);
        assertThat(c.ahead()).isEqualTo(2);
        assertThat(c.behind()).isZero();
        assertThat(c.log()).hasSize(2).first().asString().endsWith(" add a migration");
        assertThat(c.published()).isTrue();
        assertThat(c.modified()).isEmpty();
        assertThat(c.headTag()).contains("v1");
        assertThat(probe("v1").atTarget()).isTrue();
        assertThat(probe("main").target()).contains(v2);
        assertThat(probe(v1.substring(0, 12)).target()).as("a commit id").contains(v1);
        // The checkout's own branches are never moved by a read.
        assertThat(git(home.resolve("app").toString(), "git rev-parse main")).isEqualTo(v2);
        assertThat(git(home.resolve("app").toString(), "git rev-parse HEAD")).isEqualTo(v1);
    }

    @Test
    void aRefTheRemoteDoesNotHaveAndAnUnreachableRemoteAreProblemsNamed() {
        assertThat(probe("v9").problem()).contains("no tag, branch or commit v9 at " + origin);
        Checkout gone = Checkout.parse(sh(ReleaseCommands.probe("~/app", rel("git://127.0.0.1:1/nothing.git", "v2"))).output());
        assertThat(gone.problem()).get().asString().startsWith("cannot fetch from git://127.0.0.1:1/nothing.git");
        assertThat(probe("v2").problem()).isEmpty();
        Checkout none = Checkout.parse(sh(ReleaseCommands.probe("~/elsewhere", rel(origin, "v2"))).output());
        assertThat(none.problem()).contains("no git checkout at ~/elsewhere");
    }

    @Test
    void aDirtyCheckoutIsRefusedNamingItsFilesAndLeftAsItWas() throws Exception {
        String v2 = probe("v2").target().orElseThrow();
        Files.writeString(home.resolve("app/app.txt"), "edited on the host\n");
        assertThat(probe("v2").modified()).containsExactly("app.txt");
        LocalSh.Result r = sh(ReleaseCommands.checkout("~/app", release(), v2, Optional.empty(), false).script());
        assertThat(r.exitCode()).isEqualTo(ReleaseCommands.DIRTY);
        assertThat(r.output()).contains("has local changes to: app.txt").contains("commit, stash or discard");
        assertThat(Files.readString(home.resolve("app/app.txt"))).isEqualTo("edited on the host\n");
        assertThat(git(home.resolve("app").toString(), "git describe --tags")).isEqualTo("v1");
    }

    @Test
    void aCleanCheckoutMovesExactlyToTheCommitAndBack() {
        String v1 = probe("v1").target().orElseThrow();
        String v2 = probe("v2").target().orElseThrow();
        assertThat(sh(ReleaseCommands.checkout("~/app", release(), v2, Optional.empty(), false).script()).exitCode()).isZero();
        assertThat(git(home.resolve("app").toString(), "git rev-parse HEAD")).isEqualTo(v2);
        assertThat(sh(ReleaseCommands.checkout("~/app", release(), v1, Optional.of(v2), false).script()).exitCode()).isZero();
        assertThat(git(home.resolve("app").toString(), "git rev-parse HEAD")).isEqualTo(v1);
    }

    @Test
    void localCommitsNobodyPushedAreNeverLeftBehind() {
        git(home.resolve("app").toString(), "echo mine > local.txt && " + GIT + " add local.txt && " + GIT + " commit -qm 'hotfix on the host'");
        assertThat(probe("v2").published()).isFalse();
        String v2 = probe("v2").target().orElseThrow();
        LocalSh.Result r = sh(ReleaseCommands.checkout("~/app", release(), v2, Optional.empty(), false).script());
        assertThat(r.exitCode()).isEqualTo(ReleaseCommands.UNPUBLISHED);
        assertThat(r.output()).contains("is on no branch or tag of the remote");
    }

    @Test
    void aHeadMovedSinceItWasReadIsNotMovedAgainAndADirInsideAnotherRepositoryIsNoCheckout() {
        String v1 = probe("v1").target().orElseThrow();
        String v2 = probe("v2").target().orElseThrow();
        LocalSh.Result r = sh(ReleaseCommands.checkout("~/app", release(), v2, Optional.of(v2), false).script());
        assertThat(r.exitCode()).isEqualTo(ReleaseCommands.MOVED);
        assertThat(r.output()).contains("moved since infra read it (now " + v1.substring(0, 7) + ")");
        // ~ as a repository of its own (dotfiles), the deploy dir a plain directory in it: never taken for the app's checkout.
        git(home.toString(), "git init -q && mkdir -p plain && touch plain/x");
        assertThat(Checkout.parse(sh(ReleaseCommands.probe("~/plain", rel(origin, "v2"))).output()).problem()).contains("no git checkout at ~/plain");
        assertThat(sh(ReleaseCommands.checkout("~/plain", release(), v2, Optional.empty(), false).script()).output())
                .contains("is not the top of a git checkout");
        assertThat(probe("v2").problem()).as("the real checkout still reads").isEmpty();
    }

    static Release rel(String remote, String ref) {
        return new Release(remote, ref, Optional.empty(), Optional.empty(), Optional.empty(), Map.of());
    }

    Release release() {
        return rel(origin, "v2");
    }
}
