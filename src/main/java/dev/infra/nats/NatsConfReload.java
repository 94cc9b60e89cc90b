package dev.infra.nats;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which nats.conf changes a running nats-server takes on SIGHUP. It refuses the rest ("config reload
 * not supported for …") and keeps running on its old settings, so those need a restart. The reloadable
 * settings below are the ones nats-server 2.9 was seen to reload; anything else that differs, and any
 * text this reader does not follow, needs a restart.
 */
public final class NatsConfReload {
    /** Settings nats-server reloads in place (dotted paths; a prefix ending in '.' covers a block). */
    static final List<String> RELOADABLE = List.of("max_connections", "max_payload", "max_pending", "max_control_line",
            "write_deadline", "ping_interval", "ping_max", "debug", "trace", "logtime", "log_file", "authorization.",
            "cluster.routes");

    private NatsConfReload() {}

    /** The settings that differ between two nats.conf texts and need a restart; empty when SIGHUP is enough. */
    public static List<String> needRestart(String before, String after) {
        Map<String, String> a = settings(before);
        Map<String, String> b = settings(after);
        Set<String> keys = new LinkedHashSet<>(a.keySet());
        keys.addAll(b.keySet());
        List<String> out = new ArrayList<>();
        for (String key : keys) {
            if (!String.valueOf(a.get(key)).equals(String.valueOf(b.get(key))) && !reloadable(key)) {
                out.add(key);
            }
        }
        return out;
    }

    /** True when {@code after} makes the standalone server of {@code before} a cluster member. */
    public static boolean formsCluster(String before, String after) {
        return !settings(before).containsKey("cluster") && settings(after).containsKey("cluster");
    }

    private static boolean reloadable(String key) {
        return RELOADABLE.stream().anyMatch(r -> r.endsWith(".") ? key.startsWith(r) : key.equals(r));
    }

    /**
     * The settings of a nats.conf as dotted paths. Blocks ({@code name { … }}) nest; a list
     * ({@code routes: [ … ]}) is one value; a block's own presence is a setting too, so adding one
     * (cluster, jetstream) is a change even before its contents are compared.
     */
    static Map<String, String> settings(String conf) {
        Map<String, String> out = new LinkedHashMap<>();
        Deque<String> path = new ArrayDeque<>();
        String listKey = null;
        StringBuilder list = new StringBuilder();
        int unreadable = 0;
        for (String raw : conf.split("\n")) {
            String line = stripComment(raw).strip();
            if (line.isEmpty()) {
                continue;
            }
            if (listKey != null) {
                if (line.startsWith("]")) {
                    out.put(listKey, list.toString());
                    listKey = null;
                } else {
                    list.append(line.replaceAll(",$", "")).append(' ');
                }
                continue;
            }
            if (line.equals("}")) {
                path.pollLast();
                continue;
            }
            int sep = separator(line);
            String key = sep < 0 ? line : line.substring(0, sep).strip();
            String value = sep < 0 ? "" : line.substring(sep + 1).strip();
            String dotted = String.join(".", path) + (path.isEmpty() ? "" : ".") + key;
            if (value.endsWith("{") || (sep < 0 && key.endsWith("{"))) {
                String block = sep < 0 ? key.substring(0, key.length() - 1).strip() : key;
                String name = String.join(".", path) + (path.isEmpty() ? "" : ".") + block;
                out.put(name, "{block}");
                path.addLast(block);
            } else if (value.equals("[")) {
                listKey = dotted;
                list.setLength(0);
            } else if (sep < 0) {
                out.put("(unreadable line " + ++unreadable + ")", line);
            } else {
                out.put(dotted, unquote(value));
            }
        }
        return out;
    }

    private static int separator(String line) {
        int colon = line.indexOf(':');
        int equals = line.indexOf('=');
        int space = line.indexOf(' ');
        int first = -1;
        for (int i : new int[] {colon, equals, space}) {
            if (i >= 0 && (first < 0 || i < first)) {
                first = i;
            }
        }
        return first;
    }

    private static String stripComment(String line) {
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && (c == '#' || (c == '/' && i + 1 < line.length() && line.charAt(i + 1) == '/'
                    && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))))) {
                return line.substring(0, i);
            }
        }
        return line;
    }

    private static String unquote(String value) {
        String v = value.endsWith(",") ? value.substring(0, value.length() - 1).strip() : value;
        return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
    }
}
