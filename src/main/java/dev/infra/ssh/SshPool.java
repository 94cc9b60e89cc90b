package dev.infra.ssh;

import java.io.Console;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import net.schmizz.sshj.DefaultConfig;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.channel.direct.DirectConnection;
import net.schmizz.sshj.transport.TransportException;
import net.schmizz.sshj.userauth.UserAuthException;
import net.schmizz.sshj.userauth.keyprovider.KeyProvider;
import net.schmizz.sshj.userauth.password.PasswordFinder;
import net.schmizz.sshj.userauth.password.Resource;

/**
 * One SSH connection per host, opened on first use and reused for everything infra does there; a
 * jump host's connection is shared by every host behind it. Closing the pool closes them all.
 */
public final class SshPool implements AutoCloseable {
    private static final int KEEPALIVE_SECONDS = 15;

    private final Map<String, Remote> open = new ConcurrentHashMap<>();
    private final Map<Path, StrictKnownHosts> verifiers = new ConcurrentHashMap<>();

    public Remote connect(Endpoint endpoint) {
        Remote existing = open.get(endpoint.key());
        if (existing != null && existing.client().isConnected()) {
            return existing;
        }
        synchronized (this) {
            existing = open.get(endpoint.key());
            if (existing != null && existing.client().isConnected()) {
                return existing;
            }
            Remote remote = new Remote(endpoint, openClient(endpoint));
            open.put(endpoint.key(), remote);
            return remote;
        }
    }

    private SSHClient openClient(Endpoint e) {
        Remote jump = e.jump().map(this::connect).orElse(null);
        SSHClient client = new SSHClient(new DefaultConfig());
        StrictKnownHosts verifier = verifier(e.knownHosts());
        client.addHostKeyVerifier(verifier);
        client.setConnectTimeout((int) e.connectTimeout().toMillis());
        client.setTimeout((int) Math.max(e.connectTimeout().toMillis(), 30_000));
        client.getConnection().getKeepAlive().setKeepAliveInterval(KEEPALIVE_SECONDS);
        try {
            if (jump == null) {
                client.connect(e.hostname(), e.port());
            } else {
                DirectConnection tunnel = jump.client().newDirectConnection(e.hostname(), e.port());
                client.connectVia(tunnel);
            }
        } catch (TransportException ex) {
            close(client);
            String rejection = verifier.rejection();
            if (rejection != null && (ex.getMessage() == null || ex.getMessage().contains("verify")
                    || ex.getMessage().contains("HostKey") || ex.getMessage().contains("host key"))) {
                throw new HostKeyRejected(e.name(), rejection);
            }
            throw new SshException(e.name(), "cannot connect to " + e.describe() + ": " + message(ex), ex);
        } catch (IOException ex) {
            close(client);
            throw new SshException(e.name(), "cannot connect to " + e.describe() + ": " + message(ex)
                    + (jump == null ? "" : " (through " + jump.endpoint().name() + ")"), ex);
        }
        try {
            List<KeyProvider> keys = keys(client, e);
            if (keys.isEmpty()) {
                throw new SshException(e.name(), "no private key to log in with: set ssh.identity_file in the inventory "
                        + "or IdentityFile in your ssh config", null);
            }
            client.authPublickey(e.user(), keys);
        } catch (UserAuthException ex) {
            close(client);
            throw new SshException(e.name(), "the server refused our key(s) for " + e.user() + " ("
                    + e.identities() + "): check authorized_keys on the host and the user name", ex);
        } catch (IOException ex) {
            close(client);
            throw new SshException(e.name(), "authentication failed: " + message(ex), ex);
        }
        return client;
    }

    private StrictKnownHosts verifier(Path knownHosts) {
        return verifiers.computeIfAbsent(knownHosts, p -> {
            try {
                return new StrictKnownHosts(p);
            } catch (IOException ex) {
                throw new SshException("known_hosts", "cannot read " + p + ": " + ex.getMessage(), ex);
            }
        });
    }

    private static List<KeyProvider> keys(SSHClient client, Endpoint e) throws IOException {
        List<KeyProvider> keys = new ArrayList<>();
        for (Path identity : e.identities()) {
            if (Files.isReadable(identity)) {
                keys.add(client.loadKeys(identity.toString(), PASSPHRASE));
            }
        }
        return keys;
    }

    /** A key's passphrase: INFRA_SSH_PASSPHRASE, else a prompt on the terminal (never echoed). */
    static final PasswordFinder PASSPHRASE = new PasswordFinder() {
        @Override
        public char[] reqPassword(Resource<?> resource) {
            String env = System.getenv("INFRA_SSH_PASSPHRASE");
            if (env != null) {
                return env.toCharArray();
            }
            Console console = System.console();
            if (console == null) {
                throw new SshException(String.valueOf(resource), "the key is encrypted: set INFRA_SSH_PASSPHRASE", null);
            }
            return console.readPassword("Passphrase for %s: ", resource);
        }

        @Override
        public boolean shouldRetry(Resource<?> resource) {
            return false;
        }
    };

    private static String message(Exception ex) {
        Throwable t = ex;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return m;
    }

    private static void close(SSHClient client) {
        try {
            client.disconnect();
        } catch (IOException ignored) {
            // already broken
        }
    }

    @Override
    public void close() {
        // Hosts behind a jump host first, then the jump hosts.
        open.values().stream().sorted((a, b) -> Integer.compare(depth(b.endpoint()), depth(a.endpoint())))
                .forEach(r -> close(r.client()));
        open.clear();
    }

    private static int depth(Endpoint e) {
        return e.jump().map(j -> 1 + depth(j)).orElse(0);
    }
}
