package dev.infra.ssh;

/**
 * A command for a host, as data: built by command classes, run by whoever holds the connection,
 * printed as is by --dry-run style output. {@code script} is POSIX sh, already quoted.
 */
public record RemoteCommand(String description, String script) {
    public static RemoteCommand of(String description, String script) {
        return new RemoteCommand(description, script);
    }
}
