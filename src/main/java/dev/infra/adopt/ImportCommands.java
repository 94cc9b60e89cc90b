package dev.infra.adopt;

import dev.infra.ssh.RemoteCommand;
import dev.infra.ssh.Shell;
import java.util.List;

/**
 * The read-only commands `infra import` sends to a host it is about to describe. Env files are read
 * for their key NAMES only; the one value read is NATS_URL's (an address, not a secret). Built and
 * quoted here only; each is tested in a real sh.
 */
public final class ImportCommands {
    /** Section markers of {@link #project}'s output. */
    static final String GIT = "@@GIT", TRACKED = "@@TRACKED ", FILE = "@@FILE ", ENV = "@@ENV ", END = "@@END";

    private ImportCommands() {}

    /** "@@HOME dir", then `docker inspect` of every container, running or not, as one JSON array. */
    public static RemoteCommand containers() {
        return RemoteCommand.of("list the containers",
                "echo \"@@HOME $HOME\"; ids=$(docker ps -aq) || exit $?; "
                        + "if [ -n \"$ids\" ]; then docker inspect $ids; else echo '[]'; fi");
    }

    /**
     * What a compose project's directory holds: whether it is a git checkout (and which of
     * {@code composeFiles} it tracks), each compose file's text, and for each env file (`.env` and
     * everything under `.envs/`) its key names, plus NATS_URL's value where it is set.
     */
    public static RemoteCommand project(String dir, List<String> composeFiles) {
        StringBuilder s = new StringBuilder("cd " + Shell.quote(dir) + " || exit 1\n");
        s.append("if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then echo ").append(GIT).append("; fi\n");
        for (String f : composeFiles) {
            String q = Shell.quote(f);
            s.append("if git ls-files --error-unmatch -- ").append(q).append(" >/dev/null 2>&1; then echo ")
                    .append(Shell.quote(TRACKED + f)).append("; fi\n");
            s.append("echo ").append(Shell.quote(FILE + f)).append("; cat -- ").append(q).append("; echo; echo ").append(END).append('\n');
        }
        s.append("find . -maxdepth 4 -type f \\( -name .env -o -path './.envs/*' \\) 2>/dev/null | sort | while IFS= read -r f; do\n")
                .append("  echo \"").append(ENV).append("${f#./}\"\n")
                .append("  sed -n 's/^[[:space:]]*\\(export[[:space:]][[:space:]]*\\)\\{0,1\\}\\([A-Za-z_][A-Za-z0-9_]*\\)[[:space:]]*=.*/\\2/p' \"$f\"\n")
                .append("  grep -m1 '^NATS_URL=' \"$f\" || true\n")
                .append("done\n");
        return RemoteCommand.of("read the compose project in " + dir, s.toString());
    }

    /** The server's /jsz with its configuration, streams and consumers, from its monitoring port on the host. */
    public static RemoteCommand jsz(int monitorPort) {
        return RemoteCommand.of("read JetStream's state",
                "curl -sS -m 5 'http://127.0.0.1:" + monitorPort + "/jsz?config=true&streams=true&consumers=true'");
    }
}
