package dev.infra.ssh;

/** The host's sshd refused to open a channel (its forwarding settings, or nothing listens there): an answer, not a lost connection. */
public final class ChannelRefused extends SshException {
    public ChannelRefused(String host, String message, Throwable cause) {
        super(host, message, cause);
    }
}
