package dev.infra.ssh;

import net.schmizz.sshj.common.SSHPacket;
import net.schmizz.sshj.connection.Connection;
import net.schmizz.sshj.connection.channel.direct.AbstractDirectChannel;

/**
 * OpenSSH's `direct-streamlocal@openssh.com` channel (what `ssh -L PORT:/path/to/socket` opens): a
 * connection to a Unix socket on the host, made by its sshd as the logged-in user, so the socket's
 * own permissions apply as they would to a program run there. No process starts on the host.
 * sshd refuses it when AllowStreamLocalForwarding or DisableForwarding say so.
 */
final class UnixSocketChannel extends AbstractDirectChannel {
    static final String TYPE = "direct-streamlocal@openssh.com";
    private final String path;

    UnixSocketChannel(Connection conn, String path) {
        super(conn, TYPE);
        this.path = path;
    }

    @Override
    protected SSHPacket buildOpenReq() {
        // The socket's path, then a reserved string and a reserved uint32 (OpenSSH's PROTOCOL, 2.4).
        return super.buildOpenReq().putString(path).putString("").putUInt32(0);
    }
}
