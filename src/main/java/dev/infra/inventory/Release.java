package dev.infra.inventory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a deployment's code comes from and what a new version of it runs: the app's git remote and
 * the ref every host's checkout should be at, the command run once per release before the rollout
 * (migrations) and the commands run on each host before and after it takes the new version.
 *
 * @param remote     a git URL every host of the deployment can fetch from
 * @param ref        a tag, branch or commit
 * @param command    run once per release, on {@code commandHost}, as `compose run --rm SERVICE WORDS…`
 * @param beforeHost run on each host (in its deploy dir) before it changes version; failing stops that host
 * @param afterHost  run on each host after its new version passed the health gate
 * @param drain      service → how long its old containers get to finish the task in hand when a release
 *                   recreates them (SIGTERM, then this long before SIGKILL: celery's warm shutdown);
 *                   a service not named gets what the app's compose file says (stop_grace_period, else 10 s)
 */
public record Release(String remote, String ref, Optional<Command> command, Optional<String> beforeHost, Optional<String> afterHost,
                      Map<String, Duration> drain) {

    private static final Pattern REF = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]*");

    /** A tag, branch or commit name git accepts as it is (no revision syntax: ~, ^, @{…}, .., spaces). */
    public static boolean validRef(String ref) {
        return REF.matcher(ref).matches() && !ref.contains("..") && !ref.endsWith(".lock") && !ref.endsWith("/");
    }

    /** Why {@code remote} is not a plain git URL or path, if it is not: never an option, never a transport helper. */
    public static Optional<String> remoteProblem(String remote) {
        if (remote.isBlank()) {
            return Optional.of("is empty");
        }
        if (remote.startsWith("-")) {
            return Optional.of("starts with '-', which git would read as an option");
        }
        if (remote.contains("::")) {
            return Optional.of("names a transport helper (" + remote.substring(0, remote.indexOf("::") + 2) + "), which runs commands");
        }
        return Optional.empty();
    }

    /** A release command: its words, in a container of {@code service}, on {@code host}. */
    public record Command(String host, String service, List<String> words) {
        public String text() {
            return String.join(" ", words);
        }
    }

    /** This release at another ref, for a rollback: going back runs no release command. */
    public Release rollbackTo(String otherRef) {
        return new Release(remote, otherRef, Optional.empty(), beforeHost, afterHost, drain);
    }
}
