package dev.infra.ssh;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.channel.direct.LocalPortForwarder;
import net.schmizz.sshj.connection.channel.direct.Parameters;

/**
 * `ssh -L 127.0.0.1:PORT:host:port`: a local port on loopback only, forwarded through a host's
 * connection. Real HTTP and NATS clients then talk to the far side as if it were local.
 */
public final class Forward implements AutoCloseable {
    private final ServerSocket socket;
    private final LocalPortForwarder forwarder;
    private final Thread thread;

    Forward(SSHClient client, String host, int port, int localPort) throws IOException {
        socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), localPort));
        forwarder = client.newLocalPortForwarder(
                new Parameters("127.0.0.1", socket.getLocalPort(), host, port), socket);
        thread = new Thread(() -> {
            try {
                forwarder.listen();
            } catch (IOException ignored) {
                // closed
            }
        }, "forward-" + host + ":" + port);
        thread.setDaemon(true);
        thread.start();
    }

    public int localPort() {
        return socket.getLocalPort();
    }

    @Override
    public void close() {
        try {
            forwarder.close();
        } catch (IOException ignored) {
            // already closed
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
