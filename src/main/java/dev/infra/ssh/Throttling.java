package dev.infra.ssh;

import java.io.EOFException;
import java.net.SocketException;
import java.util.Locale;
import net.schmizz.sshj.transport.TransportException;

/**
 * When an sshd turned a connection away because too many were starting at once (its MaxStartups), as
 * opposed to a host that is down or refuses us, and how long to wait before the next try. OpenSSH
 * drops such a connection before or during the version exchange: the client sees the connection closed
 * or reset before any key exchange ("kex_exchange_identification: Connection closed by remote host").
 */
public final class Throttling {
    /** OpenSSH's MaxStartups start value: up to this many unauthenticated connections are never dropped. */
    public static final int MAX_STARTUPS = 10;
    static final long FIRST_PAUSE_MILLIS = 100;
    static final long LONGEST_PAUSE_MILLIS = 1600;

    private Throttling() {}

    /** True when {@code failure} (or a cause) is a connection closed or reset before the SSH handshake finished. */
    public static boolean dropped(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            if (t instanceof EOFException || (t instanceof SocketException && m.contains("reset"))) {
                return true;
            }
            // sshj's words for OpenSSH's drop: "Server closed connection during identification exchange".
            if (t instanceof TransportException && (m.contains("identification exchange") || m.contains("encountered eof")
                    || m.contains("connection reset")
                    || m.contains("broken pipe"))) {
                return true;
            }
        }
        return false;
    }

    /** The pause before attempt {@code attempt + 1}: doubling from 100 ms up to 1.6 s, spread over [½, 1½) of that
     * by {@code random} in [0, 1) so that connections dropped together do not all come back together. */
    public static long pauseMillis(int attempt, double random) {
        long base = Math.min(LONGEST_PAUSE_MILLIS, FIRST_PAUSE_MILLIS << Math.min(attempt - 1, 10));
        return base / 2 + (long) (base * random);
    }
}
