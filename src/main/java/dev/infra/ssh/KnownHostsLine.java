package dev.infra.ssh;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** known_hosts lines as OpenSSH writes them. */
public final class KnownHostsLine {
    private KnownHostsLine() {}

    /**
     * The line as `ssh-keygen -H` writes it (HashKnownHosts, Debian's and Ubuntu's default): the name
     * as |1|salt|HMAC-SHA1(salt, name), so the file does not list the fleet's hosts in clear.
     *
     * @param name the host as ssh looks it up: {@code host} or {@code [host]:port}
     * @param key  "type base64"
     */
    public static String hashed(String name, String key) {
        try {
            byte[] salt = new byte[20];
            new SecureRandom().nextBytes(salt);
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(salt, "HmacSHA1"));
            byte[] hash = mac.doFinal(name.getBytes(StandardCharsets.UTF_8));
            Base64.Encoder b64 = Base64.getEncoder();
            return "|1|" + b64.encodeToString(salt) + "|" + b64.encodeToString(hash) + " " + key;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is part of every Java runtime", e);
        }
    }
}
