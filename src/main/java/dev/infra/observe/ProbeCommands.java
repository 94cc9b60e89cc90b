package dev.infra.observe;

import dev.infra.render.ComposeProject;
import dev.infra.ssh.RemoteCommand;
import dev.infra.ssh.Shell;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The read-only commands infra sends to a host besides the state read itself: verify's probes,
 * onboarding's prerequisites, triage's log scan. Built and quoted here only; each is tested in a real sh.
 */
public final class ProbeCommands {
    /**
     * Prints v2 for `docker compose`, v1 for `docker-compose`, none otherwise: the one compose-flavour probe.
     * The plugin is looked for where the docker CLI looks (its config dir, then the system plugin dirs)
     * without starting the CLI: a run of it costs a host tens of milliseconds of CPU on every read, which
     * adds up across a fleet. Only when neither is found so does `docker compose version` decide.
     */
    public static final String COMPOSE_FLAVOUR = "{ infra_cf=none; for infra_d in \"${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins\" "
            + "/usr/local/lib/docker/cli-plugins /usr/local/libexec/docker/cli-plugins /usr/lib/docker/cli-plugins "
            + "/usr/libexec/docker/cli-plugins; do if [ -x \"$infra_d/docker-compose\" ]; then infra_cf=v2; break; fi; done; "
            + "if [ $infra_cf = none ] && command -v docker-compose >/dev/null 2>&1; then infra_cf=v1; fi; "
            + "if [ $infra_cf = none ] && docker compose version >/dev/null 2>&1; then infra_cf=v2; fi; echo $infra_cf; }";
    /** Exit status of a probe whose tool is missing. */
    public static final int MISSING_TOOL = 127;
    /** curl's exit status when its time ran out. */
    public static final int CURL_TIMED_OUT = 28;

    private ProbeCommands() {}

    /**
     * "SERVICE HASH" lines: the configuration hash compose gives each service of {@code p} now (the
     * value it labels containers with), with whichever compose the host has.
     */
    public static String configHashes(ComposeProject p) {
        String files = " -p " + Shell.quote(p.name()) + " -f " + Shell.quote(p.composeFile())
                + p.composeEnvFile().map(e -> " --env-file " + Shell.path(e)).orElse("");
        return "(cd " + Shell.path(p.dir()) + " 2>/dev/null && case $(" + COMPOSE_FLAVOUR + ") in "
                + "v2) docker compose" + files + " config --hash '*' ;; v1) docker-compose" + files + " config --hash '*' ;; esac) 2>/dev/null";
    }

    /** The last line of the host's audit log (what infra's last apply or restart there did); nothing when there is none. */
    public static RemoteCommand lastAudit(String auditLog) {
        return RemoteCommand.of("read the last audit line", "tail -n 1 " + Shell.path(auditLog) + " 2>/dev/null; true");
    }

    /** Logs in and does nothing: the connection and the login shell work. */
    public static RemoteCommand connection() {
        return RemoteCommand.of("check the connection", "true");
    }

    /** The HTTP status code of {@code url} as the host sees it, within {@code timeout}. */
    public static RemoteCommand http(String url, Duration timeout) {
        return RemoteCommand.of("probe " + url,
                "command -v curl >/dev/null || { echo 'curl is not installed' >&2; exit " + MISSING_TOOL + "; }; "
                        + "curl -sS -o /dev/null -m " + String.format(Locale.ROOT, "%.1f", timeout.toMillis() / 1000.0)
                        + " -w '%{http_code}' " + Shell.quote(url));
    }

    /**
     * Facts onboarding needs, one KEY=VALUE a line: docker (server version), compose ("docker compose
     * 2.x" / "docker-compose 1.x", empty when neither), writable (yes/no: {@code dir} can be created
     * and written), free_kb (free space under it).
     */
    public static RemoteCommand prerequisites(String dir) {
        String d = Shell.path(dir);
        return RemoteCommand.of("check prerequisites",
                "echo \"docker=$(docker version --format '{{.Server.Version}}' 2>/dev/null)\"\n"
                        + "case $(" + COMPOSE_FLAVOUR + ") in\n"
                        + "  v2) echo \"compose=docker compose $(docker compose version --short 2>/dev/null)\" ;;\n"
                        + "  v1) echo \"compose=docker-compose $(docker-compose version --short 2>/dev/null)\" ;;\n"
                        + "  *) echo compose= ;;\n"
                        + "esac\n"
                        + "if mkdir -p " + d + " 2>/dev/null && test -w " + d + "; then echo writable=yes; else echo writable=no; fi\n"
                        + "echo \"free_kb=$(df -Pk " + d + " 2>/dev/null | awk 'NR==2 {print $4}')\"\n");
    }

    /**
     * Per container of these compose projects, the most frequent lines of its logs since {@code since}
     * that match {@code pattern} (case-insensitive ERE), timestamps stripped: "CONTAINER COUNT LINE".
     */
    public static RemoteCommand errorLines(List<String> projects, String since, String pattern, int perContainer) {
        StringBuilder script = new StringBuilder();
        for (String p : projects) {
            script.append("for c in $(docker ps -a --format '{{.Names}}' --filter label=com.docker.compose.project=")
                    .append(Shell.quote(p)).append("); do docker logs --since ").append(Shell.quote(since))
                    .append(" \"$c\" 2>&1 | grep -iE ").append(Shell.quote(pattern))
                    .append(" | sed -E 's/^[0-9-]+[ T][0-9:.]+Z? *//' | sort | uniq -c | sort -rn | head -")
                    .append(perContainer).append(" | sed \"s|^ *|$c |\"; done\n");
        }
        return RemoteCommand.of("read recent errors", script.length() == 0 ? "true" : script.toString());
    }
}
