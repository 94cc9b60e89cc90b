package dev.infra.ssh;

import java.io.IOException;
import java.security.PrivateKey;
import java.security.PublicKey;
import net.schmizz.sshj.common.Buffer;
import net.schmizz.sshj.common.KeyType;
import net.schmizz.sshj.common.SSHPacket;
import net.schmizz.sshj.userauth.UserAuthException;
import net.schmizz.sshj.userauth.keyprovider.KeyProvider;
import net.schmizz.sshj.userauth.method.AuthPublickey;

/**
 * Public-key login with a key held by ssh-agent: sshj builds the request as for any key, and the
 * signature over it comes from the agent instead of a private key in this process.
 */
final class AgentAuth extends AuthPublickey {
    private final SshAgent agent;
    private final SshAgent.Identity identity;

    AgentAuth(SshAgent agent, SshAgent.Identity identity) throws IOException {
        super(new AgentKey(identity));
        this.agent = agent;
        this.identity = identity;
    }

    @Override
    protected SSHPacket putSig(SSHPacket reqBuf) throws UserAuthException {
        byte[] data = new Buffer.PlainBuffer()
                .putString(params.getTransport().getSessionID())
                .putBuffer(reqBuf)
                .getCompactData();
        int flags = identity.type().equals("ssh-rsa") ? SshAgent.RSA_SHA2_512 : 0;
        try {
            reqBuf.putString(agent.sign(identity.blob(), data, flags));
        } catch (IOException e) {
            throw new UserAuthException("ssh-agent could not sign with " + identity.comment() + ": " + e.getMessage(), e);
        }
        return reqBuf;
    }

    /** Only the public half: enough for sshj to build the request. */
    private static final class AgentKey implements KeyProvider {
        private final PublicKey publicKey;

        AgentKey(SshAgent.Identity identity) throws IOException {
            this.publicKey = new Buffer.PlainBuffer(identity.blob()).readPublicKey();
        }

        @Override
        public PrivateKey getPrivate() throws IOException {
            throw new IOException("the private key stays in ssh-agent");
        }

        @Override
        public PublicKey getPublic() {
            return publicKey;
        }

        @Override
        public KeyType getType() {
            return KeyType.fromKey(publicKey);
        }
    }
}
