package dev.infra.render;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An env file infra shares with its owners: infra sets the values of its managed keys and touches
 * nothing else — every other line, comment, blank, ordering and the missing-final-newline quirk
 * stays byte for byte.
 */
public final class EnvFile {
    private static final Pattern ASSIGNMENT = Pattern.compile("^\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*=(.*)$");

    private EnvFile() {}

    /** The effective value of each key: docker-compose reads the file top to bottom, last one wins. */
    public static Map<String, String> values(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : text.split("\n", -1)) {
            Matcher m = ASSIGNMENT.matcher(stripCr(line));
            if (m.matches() && !line.stripLeading().startsWith("#")) {
                out.put(m.group(1), m.group(2));
            }
        }
        return out;
    }

    /**
     * The file with every managed key set: each line assigning it is rewritten in place (all of
     * them, so no stale duplicate can win), keys not present are appended in the managed order.
     */
    public static String merge(Optional<String> existing, Map<String, String> managed) {
        String text = existing.orElse("");
        // split with -1 and join again give back exactly the original bytes
        String[] lines = text.split("\n", -1);
        Map<String, Boolean> seen = new LinkedHashMap<>();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            Matcher m = ASSIGNMENT.matcher(stripCr(line));
            if (m.matches() && !line.stripLeading().startsWith("#") && managed.containsKey(m.group(1))) {
                String cr = line.endsWith("\r") ? "\r" : "";
                lines[i] = m.group(1) + "=" + managed.get(m.group(1)) + cr;
                seen.put(m.group(1), true);
            }
        }
        StringBuilder out = new StringBuilder(text.isEmpty() ? "" : String.join("\n", lines));
        for (Map.Entry<String, String> e : managed.entrySet()) {
            if (!seen.containsKey(e.getKey())) {
                if (out.length() > 0 && out.charAt(out.length() - 1) != '\n') {
                    out.append('\n');
                }
                out.append(e.getKey()).append('=').append(e.getValue()).append('\n');
            }
        }
        return out.toString();
    }

    private static String stripCr(String line) {
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }
}
