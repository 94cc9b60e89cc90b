package dev.infra.ssh;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A client of ssh-agent (the protocol of draft-miller-ssh-agent, over $SSH_AUTH_SOCK): lists the
 * agent's keys and has it sign. The private keys never leave the agent. sshj 0.40 has no agent
 * support; this is the small part of the protocol that login needs.
 */
public final class SshAgent {
    private static final byte REQUEST_IDENTITIES = 11;
    private static final byte IDENTITIES_ANSWER = 12;
    private static final byte SIGN_REQUEST = 13;
    private static final byte SIGN_RESPONSE = 14;
    public static final int RSA_SHA2_256 = 2;
    public static final int RSA_SHA2_512 = 4;

    private final Path socket;

    public SshAgent(Path socket) {
        this.socket = socket;
    }

    /** The agent named by SSH_AUTH_SOCK (or the infra.ssh.auth_sock property), if it is there. */
    public static Optional<SshAgent> fromEnvironment() {
        String path = System.getProperty("infra.ssh.auth_sock", System.getenv("SSH_AUTH_SOCK"));
        if (path == null || path.isBlank() || !Files.exists(Path.of(path))) {
            return Optional.empty();
        }
        return Optional.of(new SshAgent(Path.of(path)));
    }

    /** A key the agent holds: its public blob (as in authorized_keys, decoded) and its comment. */
    public record Identity(byte[] blob, String comment) {
        public String type() {
            ByteBuffer b = ByteBuffer.wrap(blob);
            byte[] t = new byte[b.getInt()];
            b.get(t);
            return new String(t, StandardCharsets.US_ASCII);
        }
    }

    public List<Identity> identities() throws IOException {
        ByteBuffer answer = call(new byte[] {REQUEST_IDENTITIES});
        if (answer.get() != IDENTITIES_ANSWER) {
            throw new IOException("ssh-agent refused to list its keys");
        }
        int n = answer.getInt();
        List<Identity> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] blob = string(answer);
            out.add(new Identity(blob, new String(string(answer), StandardCharsets.UTF_8)));
        }
        return out;
    }

    /** The agent's signature blob (string algorithm, string signature) over {@code data}. */
    public byte[] sign(byte[] keyBlob, byte[] data, int flags) throws IOException {
        ByteBuffer req = ByteBuffer.allocate(1 + 4 + keyBlob.length + 4 + data.length + 4);
        req.put(SIGN_REQUEST).putInt(keyBlob.length).put(keyBlob).putInt(data.length).put(data).putInt(flags);
        ByteBuffer answer = call(req.array());
        if (answer.get() != SIGN_RESPONSE) {
            throw new IOException("ssh-agent refused to sign (is the key confirmation-only or locked?)");
        }
        return string(answer);
    }

    private ByteBuffer call(byte[] message) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            ByteBuffer out = ByteBuffer.allocate(4 + message.length).putInt(message.length).put(message);
            out.flip();
            while (out.hasRemaining()) {
                channel.write(out);
            }
            ByteBuffer len = read(channel, 4);
            int size = len.getInt();
            if (size <= 0 || size > 256 * 1024) {
                throw new IOException("ssh-agent sent a malformed answer");
            }
            return read(channel, size);
        }
    }

    private static ByteBuffer read(SocketChannel channel, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (channel.read(b) < 0) {
                throw new IOException("ssh-agent closed the connection");
            }
        }
        b.flip();
        return b;
    }

    private static byte[] string(ByteBuffer b) {
        byte[] s = new byte[b.getInt()];
        b.get(s);
        return s;
    }
}
