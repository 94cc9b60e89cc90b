package dev.infra.release;

import dev.infra.apply.HostCommands;
import dev.infra.inventory.Release;
import dev.infra.render.ComposeProject;
import dev.infra.ssh.RemoteCommand;
import dev.infra.ssh.Shell;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Every command a release sends to a host, built and quoted here only (each tested in a real sh).
 * The remote's branches and tags are fetched into refs/infra/remote/ — never into the checkout's own
 * branches, so reading where a release would go changes nothing the app's people see.
 */
public final class ReleaseCommands {
    /** Exit status of a checkout with local changes. */
    public static final int DIRTY = 5;
    /** Exit status of a checkout whose HEAD the remote does not have. */
    public static final int UNPUBLISHED = 6;
    /** Exit status of a checkout whose HEAD moved since infra read it. */
    public static final int MOVED = 7;
    static final String NS = "refs/infra/remote";
    /** Well inside the bound of the whole state read, so a remote that drops packets is named, not the host. */
    static final Duration FETCH_TIMEOUT = Duration.ofSeconds(20);
    /** The deploy dir is the top of a checkout, not a directory inside some other repository (a dotfiles ~). */
    static final String TOP = "[ \"$(git rev-parse --show-toplevel 2>/dev/null)\" = \"$(pwd -P)\" ]";

    private ReleaseCommands() {}

    /** Fetches the remote's branches and tags quietly, never prompting; its exit status is git's (124: timed out). */
    static String fetch(String remote) {
        // The checkout's own ssh command (a deploy key) is kept; never a prompt, a bounded connect.
        return "GIT_TERMINAL_PROMPT=0 GIT_SSH_COMMAND=\"$(git config core.sshCommand || echo ssh) -o BatchMode=yes -o ConnectTimeout=10\" timeout "
                + FETCH_TIMEOUT.toSeconds()
                + " git fetch -q --no-tags --prune " + Shell.quote(remote) + " '+refs/heads/*:" + NS + "/heads/*' '+refs/tags/*:" + NS
                + "/tags/*'";
    }

    /** The commit {@code ref} names among the fetched tags, branches, or as a commit id; empty if none. */
    static String resolve(String ref) {
        String q = Shell.quote(ref);
        return "{ git rev-parse -q --verify " + Shell.quote(NS + "/tags/" + ref + "^{commit}") + " || git rev-parse -q --verify "
                + Shell.quote(NS + "/heads/" + ref + "^{commit}") + " || { case " + q + " in *[!0-9a-f]*) false ;; *) git rev-parse -q --verify "
                + Shell.quote(ref + "^{commit}") + " ;; esac; }; } 2>/dev/null";
    }

    /**
     * The state read of a checkout (see {@link Checkout#parse}): "head SHA", "modified PATH" per tracked
     * file changed, "target SHA" of the ref, "ahead N"/"behind N" between the two, "log SHORT SUBJECT"
     * for the (at most 12) newest commits it would take, "unpublished" when HEAD is on no branch or
     * tag of the remote, "problem TEXT" when something could not be read.
     */
    public static String probe(String dir, Release release) {
        return "(r_dir=" + Shell.quote(dir) + "; r_remote=" + Shell.quote(release.remote()) + "; r_ref=" + Shell.quote(release.ref()) + "\n"
                + " cd " + Shell.path(dir) + " 2>/dev/null && " + TOP + " || { echo \"problem no git checkout at $r_dir\"; exit 0; }\n"
                + " head=$(git rev-parse -q --verify HEAD) || { echo 'problem the checkout has no commit'; exit 0; }; echo \"head $head\"\n"
                + " git status --porcelain --untracked-files=no | cut -c4- | sed 's/^/modified /'\n"
                + " if ! err=$(" + fetch(release.remote()) + " 2>&1); then echo \"problem cannot fetch from $r_remote: $(printf '%s' \"$err\" | tr '\\n' ' ' | cut -c1-300)\"; exit 0; fi\n"
                + " t=$(" + resolve(release.ref()) + ") || { echo \"problem no tag, branch or commit $r_ref at $r_remote\"; exit 0; }\n"
                + " echo \"target $t\"; echo \"ahead $(git rev-list --count \"$head..$t\")\"; echo \"behind $(git rev-list --count \"$t..$head\")\"\n"
                + " git log -n 12 --format='log %h %s' \"$head..$t\"\n"
                + " [ -n \"$(git for-each-ref --contains \"$head\" " + NS + " | head -n 1)\" ] || echo unpublished\n"
                + " git for-each-ref --points-at \"$head\" --format='named %(refname:lstrip=4)' " + NS + "/tags | head -n 1\n"
                + ") 2>/dev/null\n";
    }

    /**
     * Moves the checkout to {@code sha} exactly (detached), refusing — with nothing changed — when
     * tracked files are modified (exit {@link #DIRTY}, naming them) or when HEAD holds commits the
     * remote does not have (exit {@link #UNPUBLISHED}) unless {@code allowUnpublished} (going back to a version infra put there),
     * or when HEAD is not {@code expectedHead} any more (exit {@link #MOVED}: someone moved it since it was read).
     */
    public static RemoteCommand checkout(String dir, Release release, String sha, Optional<String> expectedHead, boolean allowUnpublished) {
        return RemoteCommand.of("check out " + Checkout.shortSha(sha) + " (" + release.ref() + ") in " + dir,
                "set -eu\nr_dir=" + Shell.quote(dir) + "\ncd " + Shell.path(dir) + "\n"
                        + TOP + " || { echo \"$r_dir is not the top of a git checkout\" >&2; exit 1; }\n"
                        + expectedHead.map(h -> "[ \"$(git rev-parse HEAD)\" = " + Shell.quote(h) + " ] || { echo \"HEAD of $r_dir moved since infra"
                        + " read it (now $(git rev-parse --short HEAD)); run infra again\" >&2; exit " + MOVED + "; }\n").orElse("")
                        + "m=$(git status --porcelain --untracked-files=no | cut -c4- | tr '\\n' ' ')\n"
                        + "if [ -n \"$m\" ]; then echo \"the checkout $r_dir has local changes to: ${m% } — commit, stash or"
                        + " discard them, then run infra again\" >&2; exit " + DIRTY + "; fi\n"
                        + "git cat-file -e " + Shell.quote(sha + "^{commit}") + " 2>/dev/null || " + fetch(release.remote()) + "\n"
                        + (allowUnpublished ? "" : "h=$(git rev-parse HEAD)\nif [ -z \"$(git for-each-ref --contains \"$h\" " + NS + " | head -n 1)\" ]; then "
                        + "echo \"HEAD $(git rev-parse --short HEAD) of $r_dir is on no branch or tag of the remote (local commits?):"
                        + " push or drop them, then run infra again\" >&2; exit " + UNPUBLISHED + "; fi\n")
                        + "git -c advice.detachedHead=false checkout -q --detach " + Shell.quote(sha) + "\n");
    }

    /** Builds the services of the project that build from its checkout; pulls nothing. */
    public static RemoteCommand build(String flavor, ComposeProject p) {
        return RemoteCommand.of("build " + p.name(), HostCommands.compose(flavor, p) + " build 2>&1");
    }

    /** Recreates these services on what the checkout now says, each old container given {@code grace} to finish (warm shutdown). */
    public static RemoteCommand recreate(String flavor, ComposeProject p, Collection<String> services, Optional<Duration> grace) {
        return RemoteCommand.of("recreate " + String.join(", ", services) + " (" + p.name() + ")" + grace.map(g -> ", " + g.toSeconds()
                        + " s to finish their tasks").orElse(""),
                HostCommands.compose(flavor, p) + " up -d --no-build --force-recreate" + grace.map(g -> " -t " + g.toSeconds()).orElse("")
                        + " " + Shell.join(List.copyOf(services)) + " 2>&1");
    }

    /** The release command, once, in a new container of {@code service} removed afterwards. */
    public static RemoteCommand run(String flavor, ComposeProject p, Release.Command c) {
        return RemoteCommand.of("run the release command `" + c.text() + "` (" + c.service() + ")",
                HostCommands.compose(flavor, p) + " run --rm -T " + Shell.quote(c.service()) + " " + Shell.join(c.words()) + " 2>&1");
    }

    /** A hook, in the deploy dir, by sh. */
    public static RemoteCommand hook(String what, String dir, String text) {
        return RemoteCommand.of(what + ": " + text, "cd " + Shell.path(dir) + " && sh -c " + Shell.quote(text) + " 2>&1");
    }

    /** The release lines of a host's audit log, oldest first (at most the last {@code n}). */
    public static RemoteCommand history(int n) {
        return RemoteCommand.of("read the release history", "grep -F '\"release\":' " + Shell.path(HostCommands.AUDIT_LOG) + " 2>/dev/null | tail -n "
                + n + "; true");
    }
}
