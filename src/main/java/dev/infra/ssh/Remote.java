package dev.infra.ssh;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.channel.OpenFailException;
import net.schmizz.sshj.connection.channel.direct.DirectConnection;
import net.schmizz.sshj.connection.channel.direct.Session;

/** An open connection to one host: run commands (bounded by a timeout), open TCP channels from it. */
public final class Remote {
    private final Endpoint endpoint;
    private final SSHClient client;

    Remote(Endpoint endpoint, SSHClient client) {
        this.endpoint = endpoint;
        this.client = client;
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    SSHClient client() {
        return client;
    }

    public ExecResult run(RemoteCommand command, Duration timeout) {
        return run(command, null, timeout);
    }

    /**
     * Runs {@code command.script()} with {@code stdin} fed to it. Reads stdout and stderr on their
     * own threads and gives up after {@code timeout} (a channel read can otherwise block forever).
     */
    public ExecResult run(RemoteCommand command, byte[] stdin, Duration timeout) {
        Session session = null;
        try {
            session = client.startSession();
            Session.Command cmd = session.exec(bounded(command.script(), timeout));
            if (stdin != null) {
                try (OutputStream in = cmd.getOutputStream()) {
                    in.write(stdin);
                    in.flush();
                }
            }
            Drain out = new Drain(cmd.getInputStream());
            Drain err = new Drain(cmd.getErrorStream());
            out.start();
            err.start();
            cmd.join(timeout.toMillis(), TimeUnit.MILLISECONDS);
            Integer status = cmd.getExitStatus();
            if (status == null) {
                session.close();
                out.join(1000);
                err.join(1000);
                return new ExecResult(ExecResult.TIMED_OUT, out.text(),
                        "timed out after " + timeout.toSeconds() + " s: " + command.description());
            }
            out.join(5000);
            err.join(5000);
            return new ExecResult(status, out.text(), err.text());
        } catch (IOException e) {
            throw new SshException(endpoint.name(), command.description() + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SshException(endpoint.name(), "interrupted", e);
        } finally {
            if (session != null) {
                try {
                    session.close();
                } catch (IOException ignored) {
                    // already closed
                }
            }
        }
    }

    /** A TCP connection opened from this host (an SSH direct-tcpip channel), e.g. to 127.0.0.1:8222. */
    public DirectConnection tcp(String host, int port) {
        try {
            return client.newDirectConnection(host, port);
        } catch (IOException e) {
            throw new SshException(endpoint.name(), "cannot open a TCP channel to " + host + ":" + port + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Sends {@code request} to the Unix socket {@code path} on the host (a {@link UnixSocketChannel})
     * and returns everything the other side writes until it closes, within {@code timeout}: one
     * exchange of a request-response protocol that closes after answering (HTTP/1.0). Throws
     * {@link SshException} when sshd refuses the channel (forwarding disabled, no such socket, no
     * permission) or the answer did not end in time.
     */
    public String exchange(String path, byte[] request, Duration timeout) {
        UnixSocketChannel channel = new UnixSocketChannel(client.getConnection(), path);
        try {
            try {
                channel.open();
            } catch (OpenFailException e) {
                throw new ChannelRefused(endpoint.name(), "sshd would not connect to " + path + ": " + e.getMessage(), e);
            }
            Drain answer = new Drain(channel.getInputStream());
            answer.start();
            OutputStream out = channel.getOutputStream();
            out.write(request);
            out.flush();
            answer.join(timeout.toMillis());
            if (answer.isAlive()) {
                throw new SshException(endpoint.name(), path + " did not answer within " + timeout.toSeconds() + " s", null);
            }
            return answer.text();
        } catch (IOException e) {
            throw new SshException(endpoint.name(), "cannot talk to " + path + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SshException(endpoint.name(), "interrupted", e);
        } finally {
            try {
                channel.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }

    /**
     * The script, bounded on the host too: closing the channel at our timeout does not stop a
     * process that has no terminal, so the host's own `timeout` ends it (TERM, then KILL 5 s later).
     */
    static String bounded(String script, Duration timeout) {
        long seconds = Math.max(1, timeout.toSeconds());
        String quoted = Shell.quote(script);
        return "if command -v timeout >/dev/null 2>&1; then exec timeout -k 5 " + seconds + " sh -c " + quoted
                + "; else exec sh -c " + quoted + "; fi";
    }

    /** A loopback port forwarded to {@code host:port} as seen from this host; 0 picks a free port. */
    public Forward forward(String host, int port, int localPort) {
        try {
            return new Forward(client, host, port, localPort);
        } catch (IOException e) {
            throw new SshException(endpoint.name(), "cannot forward 127.0.0.1:" + localPort + " to " + host + ":" + port
                    + ": " + e.getMessage(), e);
        }
    }

    private static final class Drain extends Thread {
        private final InputStream in;
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

        Drain(InputStream in) {
            this.in = in;
            setDaemon(true);
        }

        @Override
        public void run() {
            byte[] chunk = new byte[8192];
            try {
                int n;
                while ((n = in.read(chunk)) >= 0) {
                    synchronized (buffer) {
                        buffer.write(chunk, 0, n);
                    }
                }
            } catch (IOException ignored) {
                // the channel closed; what was read stays
            }
        }

        String text() {
            synchronized (buffer) {
                return buffer.toString(StandardCharsets.UTF_8);
            }
        }
    }
}
