package dev.infra.ssh;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * An OpenSSH master connection to a jump host, as the operator's ssh_config declares it
 * (ControlPath, usually with ControlMaster auto and ControlPersist): when one is running, the
 * hosts behind that jump host are reached through it, as {@code ssh -J} would, instead of infra
 * logging in to the jump host itself. That is what an MFA bastion needs, and what makes a repeated
 * run as cheap as OpenSSH's own (no handshake with the jump host at all).
 *
 * <p>OpenSSH itself finds the socket (it expands ControlPath's %C, %h, %r … from the same
 * config), checks the master is alive ({@code -O check}) and opens each stdio forward through it
 * ({@code -W}); infra only runs it. {@code BatchMode} keeps it from ever prompting, and
 * {@code ControlMaster=no} from ever becoming a master itself. The hosts' own keys are still
 * checked by infra against the inventory's known_hosts; the jump host's was checked by OpenSSH when
 * the operator started the master.
 *
 * @param config      the ssh_config the inventory names (passed as {@code -F})
 * @param destination the jump host as infra connects to it: its address, or its ssh_config alias
 * @param port        its port
 * @param user        the user infra logs in as there
 */
public record ControlMaster(Path config, String destination, int port, String user) {
    static final Duration CHECK_WITHIN = Duration.ofSeconds(5);

    /** {@code ssh … -O check}: exit 0 when a master is running on the socket this config names. */
    public List<String> checkCommand() {
        List<String> argv = base();
        argv.addAll(List.of("-O", "check", "--", destination));
        return argv;
    }

    /** {@code ssh … -W host:port}: a byte stream to {@code host:port} opened by the master, on stdin/stdout. */
    public List<String> forwardCommand(String host, int hostPort) {
        List<String> argv = base();
        argv.addAll(List.of("-W", forwardTarget(host) + ":" + hostPort, "--", destination));
        return argv;
    }

    /**
     * BatchMode: never a prompt. ControlMaster=no: never a master of its own. ProxyCommand=false: a
     * master gone since the check makes ssh fail, never log in to the jump host itself (it would, as
     * the operator, with the operator's known_hosts, and a run of many hosts would be many logins).
     */
    private List<String> base() {
        return new ArrayList<>(List.of("ssh", "-F", config.toString(), "-o", "BatchMode=yes", "-o", "ControlMaster=no",
                "-o", "ProxyCommand=false", "-p", String.valueOf(port), "-l", user));
    }

    /** An IPv6 address in -W's host:port needs its brackets. */
    private static String forwardTarget(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    /**
     * Whether what {@code ssh -W} said means the master could not open the connection (the jump host
     * refused or could not reach it): a final answer, not a connection dropped that is worth trying again.
     * Through a master, OpenSSH 9.2 says only "Stdio forwarding request failed: Session open refused by
     * peer"; without one, "channel 0: open failed: …" and "stdio forwarding failed".
     */
    public static boolean refused(String said) {
        String s = said.toLowerCase(Locale.ROOT);
        return s.contains("open failed") || s.contains("forwarding failed") || s.contains("forwarding request failed");
    }

    /** Whether a master is running for this jump host now (OpenSSH's own check, within 5 s). */
    public boolean running() {
        try {
            Process p = new ProcessBuilder(checkCommand()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .start();
            try {
                if (!p.waitFor(CHECK_WITHIN.toMillis(), TimeUnit.MILLISECONDS)) {
                    return false;
                }
                return p.exitValue() == 0;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } finally {
                p.destroyForcibly();  // ended already, or given up on: never left running
            }
        } catch (IOException e) {
            return false;  // no ssh client here: infra connects itself
        }
    }
}
