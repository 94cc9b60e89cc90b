package dev.infra.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
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

    private final Thread drain;

    private ProcessSocket(Process process, int port) {
        this.process = process;
        this.port = port;
        this.drain = new Thread(this::drainStderr, "infra-ssh-stderr");
        drain.setDaemon(true);
        drain.start();
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

    /**
     * What the process said on stderr once it has ended (a connection that failed is read at once,
     * while ssh may still be writing why): waits up to a second for it to end and its stderr to be read.
     */
    String saidOnExit() {
        try {
            if (process.waitFor(1, TimeUnit.SECONDS)) {
                drain.join(1000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return said();
    }

    /** What the process said on stderr so far, trimmed; empty when it said nothing. */
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
