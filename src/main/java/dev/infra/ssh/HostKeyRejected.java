package dev.infra.ssh;

/** An unknown or changed host key: infra never connects on trust. */
public final class HostKeyRejected extends SshException {
    public HostKeyRejected(String host, String message) {
        super(host, message, null);
    }
}
