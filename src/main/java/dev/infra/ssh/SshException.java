package dev.infra.ssh;

/** A host could not be reached or refused us; the message names the host and what to do. */
public class SshException extends RuntimeException {
    private final String host;

    public SshException(String host, String message, Throwable cause) {
        super(host + ": " + message, cause);
        this.host = host;
    }

    public String host() {
        return host;
    }
}
