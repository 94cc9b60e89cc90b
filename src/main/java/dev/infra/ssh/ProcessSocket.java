package dev.infra.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.net.SocketFactory;

/**
 * A connection that is a process's stdin and stdout ({@code ssh -W} through a master), shaped as
 * the socket sshj reads and writes: already connected, closed by ending the process. What the
 * process says on stderr is kept (the last 4 KiB) to explain a connection that failed.
 */
final class ProcessSocket extends Socket {
    private static final int STDERR_KEPT = 4096;

    private final Process process;
    private final int port;
    private final StringBuilder stderr = new StringBuilder();

    private ProcessSocket(Process process, int port) {
        this.process = process;
        this.port = port;
        Thread t = new Thread(this::drainStderr, "infra-ssh-stderr");
        t.setDaemon(true);
        t.start();
    }

    /** A factory whose one socket runs {@code argv}, a stream to {@code port} (known_hosts names hosts off 22 by it). */
    static SocketFactory running(List<String> argv, int port) {
        return new SocketFactory() {
            @Override
            public Socket createSocket() throws IOException {
                return new ProcessSocket(new ProcessBuilder(argv).start(), port);
            }

            @Override
            public Socket createSocket(String host, int port) {
                throw new UnsupportedOperationException("connected by its process");
            }

            @Override
            public Socket createSocket(String host, int port, InetAddress local, int localPort) {
                throw new UnsupportedOperationException("connected by its process");
            }

            @Override
            public Socket createSocket(InetAddress host, int port) {
                throw new UnsupportedOperationException("connected by its process");
            }

            @Override
            public Socket createSocket(InetAddress address, int port, InetAddress local, int localPort) {
                throw new UnsupportedOperationException("connected by its process");
            }
        };
    }

    private void drainStderr() {
        byte[] buf = new byte[1024];
        try (InputStream err = process.getErrorStream()) {
            for (int n; (n = err.read(buf)) > 0; ) {
                synchronized (stderr) {
                    stderr.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                    if (stderr.length() > STDERR_KEPT) {
                        stderr.delete(0, stderr.length() - STDERR_KEPT);
                    }
                }
            }
        } catch (IOException ended) {
            // the process ended
        }
    }

    /** What the process said on stderr, trimmed; empty when it said nothing. */
    String said() {
        synchronized (stderr) {
            return stderr.toString().strip();
        }
    }

    @Override
    public void connect(SocketAddress endpoint, int timeout) {
        // connected by its process
    }

    @Override
    public void connect(SocketAddress endpoint) {
        // connected by its process
    }

    @Override
    public int getPort() {
        return port;
    }

    @Override
    public boolean isConnected() {
        return true;
    }

    @Override
    public boolean isClosed() {
        return !process.isAlive();
    }

    @Override
    public void setSoTimeout(int timeout) {
        // reads are bounded by sshj's own timeouts
    }

    @Override
    public InputStream getInputStream() {
        return process.getInputStream();
    }

    @Override
    public OutputStream getOutputStream() {
        return process.getOutputStream();
    }

    @Override
    public synchronized void close() {
        process.destroy();
    }
}
