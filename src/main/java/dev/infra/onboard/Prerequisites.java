package dev.infra.onboard;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Can this machine become a fleet host? Judged from the facts {@code ProbeCommands.prerequisites}
 * prints and the host's reach to NATS. Pure: facts in, one line per requirement out.
 */
public final class Prerequisites {
    /** Images and containers need room: at least this much free under the deploy dir. */
    public static final long MIN_FREE_KB = 2L * 1024 * 1024;

    private Prerequisites() {}

    /** One requirement: met (with what was found) or not (with what to do). */
    public record Item(boolean ok, String text) {}

    /** KEY=VALUE lines as the probe prints them. */
    public static Map<String, String> parse(String output) {
        Map<String, String> facts = new LinkedHashMap<>();
        output.lines().filter(l -> l.contains("=")).forEach(l -> facts.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1).strip()));
        return facts;
    }

    public static List<Item> judge(String host, String user, String deployDir, Map<String, String> facts, String natsTargets,
                                   Optional<String> reachProblem) {
        List<Item> items = new ArrayList<>();
        String docker = facts.getOrDefault("docker", "");
        String compose = facts.getOrDefault("compose", "");
        items.add(!docker.isEmpty() ? new Item(true, "Docker engine " + docker)
                : new Item(false, "no Docker engine answers on " + host + " (install docker.io and start it; the SSH user must be allowed to use it)"));
        items.add(!compose.isEmpty() ? new Item(true, "compose: " + compose)
                : new Item(false, "neither `docker compose` nor `docker-compose` is installed on " + host));
        items.add("yes".equals(facts.get("writable")) ? new Item(true, deployDir + " is writable")
                : new Item(false, deployDir + " cannot be created or written by " + user));
        long free = parseLong(facts.get("free_kb"));
        items.add(free >= MIN_FREE_KB ? new Item(true, (free / 1024 / 1024) + " GiB free")
                : new Item(false, "only " + (free / 1024) + " MiB free under " + deployDir + " (at least 2 GiB needed for images)"));
        items.add(reachProblem.isEmpty() ? new Item(true, "NATS " + natsTargets + " reachable") : new Item(false, reachProblem.get()));
        return items;
    }

    private static long parseLong(String s) {
        try {
            return s == null ? 0 : Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
