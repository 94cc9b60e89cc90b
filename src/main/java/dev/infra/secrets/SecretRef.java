package dev.infra.secrets;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A reference to a secret kept outside the inventory: {@code ${env:NAME}} or {@code ${file:PATH}}.
 * Inventories, rendered previews and plans carry the reference; only the bytes written to a host
 * carry the value.
 */
public record SecretRef(String scheme, String name, String text) {
    public static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern REF = Pattern.compile("\\$\\{(env|file):([^}]+)}");

    public static List<SecretRef> findAll(String value) {
        List<SecretRef> refs = new ArrayList<>();
        if (value == null) {
            return refs;
        }
        Matcher m = REF.matcher(value);
        while (m.find()) {
            refs.add(new SecretRef(m.group(1), m.group(2), m.group()));
        }
        return refs;
    }

    public static boolean containsAny(String value) {
        return value != null && REF.matcher(value).find();
    }

    /** Replaces each reference with what {@code replacement} gives for it. */
    public static String replaceAll(String value, Function<SecretRef, String> replacement) {
        Matcher m = REF.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            SecretRef ref = new SecretRef(m.group(1), m.group(2), m.group());
            m.appendReplacement(out, Matcher.quoteReplacement(replacement.apply(ref)));
        }
        m.appendTail(out);
        return out.toString();
    }
}
