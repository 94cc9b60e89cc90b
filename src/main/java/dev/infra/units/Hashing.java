package dev.infra.units;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256, the one digest infra uses: write guards, plan fingerprints, image recipe tags, host key fingerprints. */
public final class Hashing {
    private Hashing() {}

    public static byte[] sha256(byte[] data) {
        return digest().digest(data);
    }

    /** Lower-case hex of the SHA-256 of {@code text}'s UTF-8 bytes, as `sha256sum` prints it. */
    public static String sha256Hex(String text) {
        return sha256Hex(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Lower-case hex of the SHA-256 of {@code data}, as `sha256sum` prints it. */
    public static String sha256Hex(byte[] data) {
        return HexFormat.of().formatHex(sha256(data));
    }

    /** An incremental SHA-256 over several parts; {@link #hex()} ends it. */
    public static final class Sha256 {
        private final MessageDigest md = digest();

        public Sha256 add(String part) {
            md.update(part.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            return this;
        }

        public String hex() {
            return HexFormat.of().formatHex(md.digest());
        }
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java has no SHA-256", e);
        }
    }
}
