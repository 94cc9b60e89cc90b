package dev.infra.ssh;

import dev.infra.units.Hashing;
import java.io.IOException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import net.schmizz.sshj.common.Buffer;
import net.schmizz.sshj.common.KeyType;
import net.schmizz.sshj.transport.verification.OpenSSHKnownHosts;

/**
 * known_hosts verification as OpenSSH's StrictHostKeyChecking=yes: hashed entries, wildcards,
 * @cert-authority and @revoked are honoured (sshj's parser); an unknown key and a changed key are
 * both refused, and the refusal is remembered so the error can say exactly what to do.
 */
final class StrictKnownHosts extends OpenSSHKnownHosts {
    private final Path file;
    /** Why a host's key was refused, by the name sshj checked (`[host]:port` off port 22): never another host's reason. */
    private final Map<String, String> rejections = new ConcurrentHashMap<>();
    /** Keys confirmed by the user for this run only (onboarding, before they are written to the file). */
    private final Map<String, String> trustedOnce = new ConcurrentHashMap<>();
    private final Map<String, PublicKey> seen = new ConcurrentHashMap<>();

    StrictKnownHosts(Path file) throws IOException {
        super(file.toFile());  // a missing file means "nothing is trusted yet", which sshj handles
        this.file = file;
    }


    /** Why {@code hostname}'s key was refused in this run, if it was. */
    String rejection(String hostname, int port) {
        return rejections.getOrDefault(port == 22 ? hostname : "[" + hostname + "]:" + port, rejections.get(hostname));
    }

    /**
     * One check at a time: sshj's matcher for hashed entries keeps one HMAC per entry and is not
     * thread-safe, and hosts connect in parallel ("MAC not initialized", a pinned key reported unknown).
     */
    @Override
    public synchronized boolean verify(String hostname, int port, PublicKey key) {
        return super.verify(hostname, port, key);
    }

    /** Asked during key exchange (to order host key algorithms): the same entries, the same one-at-a-time rule. */
    @Override
    public synchronized List<String> findExistingAlgorithms(String hostname, int port) {
        return super.findExistingAlgorithms(hostname, port);
    }

    void trustOnce(String hostname, String fingerprint) {
        trustedOnce.put(hostname, fingerprint);
    }

    PublicKey seen(String hostname) {
        return seen.get(hostname);
    }

    @Override
    protected boolean hostKeyUnverifiableAction(String hostname, PublicKey key) {
        seen.put(hostname, key);
        if (fingerprint(key).equals(trustedOnce.get(hostname))) {
            return true;
        }
        String type = KeyType.fromKey(key).toString();
        rejections.put(hostname, "the host key of " + hostname + " is not in " + file + ": " + type + " " + fingerprint(key) + ".\n"
                + "  Check that fingerprint out of band (e.g. `ssh-keygen -lf /etc/ssh/ssh_host_" + shortType(type)
                + "_key.pub` on the host), then trust it with:\n"
                + "    echo " + Shell.quote(hostname + " " + type + " " + base64(key)) + " >> " + Shell.quote(file.toString()));
        return false;
    }

    @Override
    protected boolean hostKeyChangedAction(String hostname, PublicKey key) {
        seen.put(hostname, key);
        rejections.put(hostname, "WARNING: THE HOST KEY OF " + hostname + " HAS CHANGED (now " + KeyType.fromKey(key) + " "
                + fingerprint(key) + ", pinned in " + file + ").\n"
                + "  Someone could be intercepting the connection, or the host was rebuilt. Nothing was sent.\n"
                + "  If the change is expected, remove the old entry with `ssh-keygen -R " + hostname + " -f " + file
                + "` and pin the new key after checking it.");
        return false;
    }

    static String fingerprint(PublicKey key) {
        return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(Hashing.sha256(blob(key)));
    }

    static String base64(PublicKey key) {
        return Base64.getEncoder().encodeToString(blob(key));
    }

    private static byte[] blob(PublicKey key) {
        return new Buffer.PlainBuffer().putPublicKey(key).getCompactData();
    }

    private static String shortType(String type) {
        return type.contains("ed25519") ? "ed25519" : type.contains("ecdsa") ? "ecdsa" : "rsa";
    }
}
