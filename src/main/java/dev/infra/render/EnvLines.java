package dev.infra.render;

import java.util.LinkedHashMap;

/** Reads KEY=VALUE lines the way docker-compose's env_file does: no quotes, '#' starts a comment line. */
public final class EnvLines {
    private EnvLines() {}

    public static LinkedHashMap<String, String> entries(String text) {
        LinkedHashMap<String, String> out = new LinkedHashMap<>();
        for (String line : text.split("\n", -1)) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            int eq = t.indexOf('=');
            if (eq > 0) {
                out.put(t.substring(0, eq).strip(), t.substring(eq + 1));
            }
        }
        return out;
    }
}
