package dev.infra.secrets;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The resolved values of the secret references a run needs: {@link #reveal} is for bytes written to
 * a host; {@link #mask} turns any value back into its reference before anything is shown or saved.
 */
public final class SecretValues {
    /** Shorter values cannot be told apart from ordinary text: validation refuses them as secrets. */
    public static final int MIN_MASKABLE = 3;

    private final Map<String, String> byReference;

    public SecretValues(Map<String, String> byReference) {
        this.byReference = Map.copyOf(byReference);
    }

    public static SecretValues none() {
        return new SecretValues(Map.of());
    }

    /** Resolves every reference in {@code text} with {@code resolver}; unresolvable ones stay as they are. */
    public static SecretValues resolveAll(Iterable<String> texts, SecretResolver resolver) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String text : texts) {
            for (SecretRef ref : SecretRef.findAll(text)) {
                resolver.resolve(ref).ifPresent(v -> values.put(ref.text(), v));
            }
        }
        return new SecretValues(values);
    }

    public String reveal(String text) {
        return SecretRef.replaceAll(text, ref -> byReference.getOrDefault(ref.text(), ref.text()));
    }

    public String mask(String text) {
        String out = text;
        // Longest first, so a value that contains another is masked whole.
        for (Map.Entry<String, String> e : byReference.entrySet().stream()
                .sorted(Comparator.comparingInt((Map.Entry<String, String> x) -> x.getValue().length()).reversed()).toList()) {
            if (e.getValue().length() >= MIN_MASKABLE) {
                out = out.replace(e.getValue(), e.getKey());
            }
        }
        return out;
    }

    /**
     * An HMAC-SHA256 of every resolved value under {@code key}: a saved plan records it, so a secret
     * changed since the plan makes it stale, while the plan file never holds anything a value can be read from.
     */
    public String digest(String key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(("infra-plan:" + key).getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            new TreeMap<>(byReference).forEach((ref, value) -> mac.update((ref + "\0" + value + "\n").getBytes(StandardCharsets.UTF_8)));
            return HexFormat.of().formatHex(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    public boolean isSensitive(String desiredText) {
        return SecretRef.containsAny(desiredText);
    }
}
