package dev.infra.ssh;

import dev.infra.diag.Messages;
import dev.infra.units.Durations;
import java.io.Console;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.common.KeyType;
import net.schmizz.sshj.connection.channel.direct.DirectConnection;
import net.schmizz.sshj.transport.TransportException;
import net.schmizz.sshj.userauth.UserAuthException;
import net.schmizz.sshj.userauth.keyprovider.KeyProvider;
import net.schmizz.sshj.userauth.method.AuthMethod;
import net.schmizz.sshj.userauth.method.AuthPublickey;
import net.schmizz.sshj.userauth.password.PasswordFinder;
import net.schmizz.sshj.userauth.password.Resource;

/**
 * One SSH connection per host, opened on first use and reused for everything infra does there; a
 * jump host's connection is shared by every host behind it. Closing the pool closes them all.
 */
public final class SshPool implements AutoCloseable {
    private static final int KEEPALIVE_SECONDS = 15;

    /** Per connection target: the connection, or why it could not be made (remembered for the run). */
    private final Map<String, CompletableFuture<Remote>> open = new ConcurrentHashMap<>();
    private final Map<Path, StrictKnownHosts> verifiers = new ConcurrentHashMap<>();
    /** Handshakes under way per sshd (address, port, route): at most OpenSSH's MaxStartups default at once. */
    private final Map<String, Semaphore> handshakes = new ConcurrentHashMap<>();
    private volatile boolean closed;
    /** Whether each jump host's OpenSSH master runs: asked once a run. */
    private final Map<ControlMaster, Boolean> masters = new ConcurrentHashMap<>();

    /**
     * The connection to {@code endpoint}, opened once. Hosts connect in parallel (one slow host
     * never holds up another), and a host that failed is not retried by every check of the run.
     */
    public Remote connect(Endpoint endpoint) {
        while (true) {
            if (closed) {
                throw new SshException(endpoint.name(), "the run ended before the connection was opened", null);
            }
            CompletableFuture<Remote> mine = new CompletableFuture<>();
            CompletableFuture<Remote> existing = open.putIfAbsent(endpoint.key(), mine);
            if (existing == null) {
                try {
                    Remote remote = new Remote(endpoint, openClient(endpoint));
                    mine.complete(remote);
                    if (closed) {
                        close(remote.client());  // opened ahead, and the pool was closed meanwhile
                        throw new SshException(endpoint.name(), "the run ended before the connection was used", null);
                    }
                    return remote;
                } catch (RuntimeException | Error ex) {
                    mine.completeExceptionally(ex);  // whoever waits for this connection gets the failure, never waits forever
                    throw ex;
                }
            }
            Remote remote;
            try {
                remote = existing.join();
            } catch (CompletionException ce) {
                if (ce.getCause() instanceof Error err) {
                    throw err;
                }
                throw ce.getCause() instanceof RuntimeException re ? re : ce;
            }
            if (remote.client().isConnected()) {
                return remote;
            }
            open.remove(endpoint.key(), existing);  // dropped since: connect again
        }
    }

    private SSHClient openClient(Endpoint e) {
        // Through the jump host's OpenSSH master when one runs (no login of ours there), else through our own connection to it.
        Optional<ControlMaster> master = e.jump().flatMap(Endpoint::master).filter(m -> masters.computeIfAbsent(m, ControlMaster::running));
        Remote jump = master.isPresent() ? null : e.jump().map(this::connect).orElse(null);
        StrictKnownHosts verifier = verifier(e.knownHosts());
        SSHClient client = newClient(e, verifier);
        // Keys are loaded first, outside any bound: a passphrase prompt waits for the person, not the clock.
        List<AuthMethod> methods;
        try {
            methods = authMethods(client, e);
        } catch (IOException ex) {
            close(client);
            throw new SshException(e.name(), "cannot load the private key: " + message(ex), ex);
        }
        // An sshd drops connections beyond its MaxStartups (OpenSSH: 10 unauthenticated at once); a
        // dropped one is tried again after a pause, for as long as the host's own bound allows.
        long retryUntil = System.nanoTime() + handshakeBound(e) * 1_000_000L;
        Semaphore gate = handshakes.computeIfAbsent(e.sshdKey(), k -> new Semaphore(Throttling.MAX_STARTUPS, true));
        for (int attempt = 1; ; attempt++) {
            long pause;
            gate.acquireUninterruptibly();
            try {
                handshake(client, e, jump, master, verifier, methods);
                return client;
            } catch (SshException ex) {
                pause = Throttling.pauseMillis(attempt, ThreadLocalRandom.current().nextDouble());
                if (!Throttling.dropped(ex) || System.nanoTime() + pause * 1_000_000L > retryUntil) {
                    throw ex;
                }
            } finally {
                gate.release();  // a dropped connection waits without holding a place another could use
            }
            Durations.pause(Duration.ofMillis(pause));
            client = newClient(e, verifier);
        }
    }

    private SSHClient newClient(Endpoint e, StrictKnownHosts verifier) {
        SSHClient client = new SSHClient(SshAlgorithms.forClient());
        client.addHostKeyVerifier(verifier);
        client.setConnectTimeout((int) e.connectTimeout().toMillis());
        client.setTimeout((int) Math.max(e.connectTimeout().toMillis(), 30_000));
        client.getConnection().getKeepAlive().setKeepAliveInterval(KEEPALIVE_SECONDS);
        return client;
    }

    /** A host that accepts TCP but never speaks SSH (frozen, overloaded) fails alone and fast: twice the connect timeout. */
    private static long handshakeBound(Endpoint e) {
        return Math.max(2 * e.connectTimeout().toMillis(), 4000);
    }

    /** Connects and logs in within {@link #handshakeBound}; the client is closed on failure. */
    private void handshake(SSHClient client, Endpoint e, Remote jump, Optional<ControlMaster> master, StrictKnownHosts verifier,
            List<AuthMethod> methods) {
        long bound = handshakeBound(e);
        CompletableFuture<Void> handshake = CompletableFuture.runAsync(() -> {
            try {
                establish(client, e, jump, master, verifier, methods);
            } catch (IOException ex) {
                throw new CompletionException(ex);
            }
        }, Background.THREAD_PER_TASK);
        try {
            handshake.get(bound, TimeUnit.MILLISECONDS);
        } catch (TimeoutException ex) {
            handshake.cancel(true);
            close(client);
            throw new SshException(e.name(), "no SSH answer from " + e.describe() + " within " + (bound / 1000)
                    + " s (the host or its sshd hangs)", ex);
        } catch (ExecutionException ex) {
            close(client);
            Throwable cause = ex.getCause() instanceof CompletionException ce ? ce.getCause() : ex.getCause();
            if (cause instanceof SshException se) {
                throw se;
            }
            throw new SshException(e.name(), "cannot connect to " + e.describe() + ": " + message((Exception) cause), cause);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            close(client);
            throw new SshException(e.name(), "interrupted", ex);
        }
    }

    private void establish(SSHClient client, Endpoint e, Remote jump, Optional<ControlMaster> master, StrictKnownHosts verifier,
            List<AuthMethod> methods) throws IOException {
        try {
            if (master.isPresent()) {
                client.setSocketFactory(ProcessSocket.running(master.get().forwardCommand(e.hostname(), e.port()), e.port()));
                client.connect(e.hostname(), e.port());
            } else if (jump == null) {
                client.setSocketFactory(NoDelaySockets.INSTANCE);
                client.connect(e.hostname(), e.port());
            } else {
                DirectConnection tunnel = jump.client().newDirectConnection(e.hostname(), e.port());
                client.connectVia(tunnel);
            }
        } catch (TransportException ex) {
            String rejection = verifier.rejection(e.hostname(), e.port());
            if (rejection != null && (ex.getMessage() == null || ex.getMessage().contains("verify")
                    || ex.getMessage().contains("HostKey") || ex.getMessage().contains("host key"))) {
                throw new HostKeyRejected(e.name(), rejection);
            }
            throw master.isPresent() ? throughMaster(e, client, ex)
                    : new SshException(e.name(), "cannot connect to " + e.describe() + ": " + message(ex), ex);
        } catch (IOException ex) {
            throw master.isPresent() ? throughMaster(e, client, ex) : new SshException(e.name(), "cannot connect to " + e.describe()
                    + ": " + message(ex) + (jump == null ? "" : " (through " + jump.endpoint().name() + ")"), ex);
        }
        try {
            if (methods.isEmpty()) {
                throw new SshException(e.name(), "no key to log in with: set ssh.identity_file in the inventory, "
                        + "IdentityFile in your ssh config, or load a key into ssh-agent (SSH_AUTH_SOCK)", null);
            }
            client.auth(e.user(), methods);
        } catch (UserAuthException ex) {
            throw new SshException(e.name(), "the server refused our key(s) for " + e.user() + " (" + e.identities()
                    + (SshAgent.fromEnvironment().isPresent() ? " and ssh-agent's" : "")
                    + "): check authorized_keys on the host and the user name", ex);
        }
    }

    /**
     * A connection through the jump host's OpenSSH master that failed, in ssh's words. When ssh said
     * why (a forward the master could not open, a master gone since the check) that is the answer: no
     * cause a retry would take for a busy sshd. Silence from ssh is a connection the host itself
     * closed, which may be its MaxStartups, and is tried again as any other.
     */
    private static SshException throughMaster(Endpoint e, SSHClient client, IOException ex) {
        String said = client.getSocket() instanceof ProcessSocket ps ? ps.saidOnExit() : "";
        String master = "the OpenSSH master of " + e.jump().map(Endpoint::name).orElse("the jump host");
        if (ControlMaster.refused(said)) {
            return new SshException(e.name(), "cannot connect to " + e.describe() + ": " + master + " could not open a connection there: "
                    + said.replace('\n', ' '), null);
        }
        if (!said.isEmpty()) {
            return new SshException(e.name(), "cannot connect to " + e.describe() + " through " + master + ": ssh said: "
                    + said.replace('\n', ' '), null);
        }
        return new SshException(e.name(), "cannot connect to " + e.describe() + ": " + message(ex) + " (through " + master + ")", ex);
    }

    /** A host's key as it presents it, fetched without trusting it and without logging in. */
    public HostKey presentedKey(Endpoint e) {
        try {
            connect(e);
        } catch (HostKeyRejected expected) {
            // the usual case for a host not yet pinned
        }
        String name = e.port() == 22 ? e.hostname() : "[" + e.hostname() + "]:" + e.port();
        PublicKey key = verifier(e.knownHosts()).seen(name);
        if (key == null) {
            key = verifier(e.knownHosts()).seen(e.hostname());
        }
        if (key == null) {
            throw new SshException(e.name(), "the host presented no key (is sshd running there?)", null);
        }
        return new HostKey(name, KeyType.fromKey(key).toString(), StrictKnownHosts.base64(key),
                StrictKnownHosts.fingerprint(key));
    }

    /** A host key: the known_hosts name, type, base64 blob and SHA256 fingerprint. */
    public record HostKey(String knownHostsName, String type, String base64, String fingerprint) {
        public String knownHostsLine() {
            return knownHostsName + " " + type + " " + base64;
        }

        /** The same pin, hashed as {@link KnownHostsLine#hashed} writes it. */
        public String hashedKnownHostsLine() {
            return KnownHostsLine.hashed(knownHostsName, type + " " + base64);
        }
    }

    /** Trusts this key for this run only; nothing is written to known_hosts. */
    public void trustForThisRun(Endpoint e, HostKey key) {
        // The refusal that showed the key is remembered; with the key now trusted, connect afresh.
        var failed = open.get(e.key());
        if (failed != null && failed.isCompletedExceptionally()) {
            open.remove(e.key(), failed);
        }
        verifier(e.knownHosts()).trustOnce(key.knownHostsName(), key.fingerprint());
        verifier(e.knownHosts()).trustOnce(e.hostname(), key.fingerprint());
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

    /** Key files first (as named for this host), then every key ssh-agent holds. */
    private static List<AuthMethod> authMethods(SSHClient client, Endpoint e) throws IOException {
        List<AuthMethod> methods = new ArrayList<>();
        for (Path identity : e.identities()) {
            if (Files.isReadable(identity)) {
                KeyProvider key = client.loadKeys(identity.toString(), PASSPHRASE);
                methods.add(new AuthPublickey(key));
            }
        }
        Optional<SshAgent> agent = SshAgent.fromEnvironment();
        if (agent.isPresent()) {
            try {
                for (SshAgent.Identity id : agent.get().identities()) {
                    methods.add(new AgentAuth(agent.get(), id));
                }
            } catch (IOException ignored) {
                // an agent that does not answer is the same as no agent
            }
        }
        return methods;
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
        String m = Messages.of(t);
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
        closed = true;
        // Hosts behind a jump host first, then the jump hosts.
        open.values().stream().filter(f -> f.isDone() && !f.isCompletedExceptionally()).map(CompletableFuture::join)
                .sorted((a, b) -> Integer.compare(depth(b.endpoint()), depth(a.endpoint())))
                .forEach(r -> close(r.client()));
        open.clear();
    }

    private static int depth(Endpoint e) {
        return e.jump().map(j -> 1 + depth(j)).orElse(0);
    }
}
