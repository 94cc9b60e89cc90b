package dev.infra.verify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.infra.diag.Style;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The results of a verify run and its three views: text (for people), JSON (for tools), Nagios. */
public record VerifyReport(String inventory, List<CheckResult> results, Duration took) {
    public static final String FORMAT_VERSION = "1.0";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public Status status() {
        return Status.worst(results.stream().map(CheckResult::status).toList());
    }

    public Map<Status, Long> counts() {
        Map<Status, Long> counts = new LinkedHashMap<>();
        for (Status s : Status.values()) {
            counts.put(s, results.stream().filter(r -> r.status() == s).count());
        }
        return counts;
    }

    /** Grouped by host, hosts with problems first; within a host, the worst first. */
    public void text(PrintWriter out, Style style) {
        Map<String, List<CheckResult>> byHost = new LinkedHashMap<>();
        results.forEach(r -> byHost.computeIfAbsent(r.host(), h -> new ArrayList<>()).add(r));
        List<String> hosts = new ArrayList<>(byHost.keySet());
        hosts.sort(Comparator.comparingInt((String h) -> -Status.worst(byHost.get(h).stream().map(CheckResult::status).toList()).severity()));
        out.println("infra verify: " + inventory + " — " + byHost.size() + " host(s), " + results.size() + " check(s) in "
                + CheckRunner.seconds(took));
        for (String host : hosts) {
            out.println();
            out.println(style.bold(host));
            List<CheckResult> rs = new ArrayList<>(byHost.get(host));
            rs.sort(Comparator.comparingInt((CheckResult r) -> -r.status().severity()));
            int width = rs.stream().mapToInt(r -> r.id().length()).max().orElse(10);
            for (CheckResult r : rs) {
                out.printf("  %s  %-" + width + "s  %s  [%s]%n", colour(r.status(), style), r.id(), r.message(),
                        CheckRunner.seconds(r.duration()));
                if (r.status() != Status.OK && r.fix() != null && !r.fix().isBlank()) {
                    out.println("  " + " ".repeat(7) + " ".repeat(width + 2) + style.cyan("fix: ") + r.fix());
                }
            }
        }
        out.println();
        Map<Status, Long> c = counts();
        out.println("Summary: " + c.get(Status.OK) + " OK, " + c.get(Status.WARN) + " WARN, " + c.get(Status.CRIT) + " CRIT, "
                + c.get(Status.UNKNOWN) + " UNKNOWN → " + colour(status(), style).strip());
        out.flush();
    }

    private static String colour(Status s, Style style) {
        String label = String.format("%-7s", s.name());
        return switch (s) {
            case OK -> style.green(label);
            case WARN -> style.yellow(label);
            case CRIT -> style.red(label);
            case UNKNOWN -> style.bold(label);
        };
    }

    public String json() {
        ObjectNode root = JSON.createObjectNode();
        root.put("format_version", FORMAT_VERSION);
        root.put("inventory", inventory);
        root.put("status", status().name());
        root.put("exit_code", status().exitCode());
        root.put("duration_ms", took.toMillis());
        ObjectNode summary = root.putObject("summary");
        counts().forEach((s, n) -> summary.put(s.name(), n));
        ArrayNode checks = root.putArray("checks");
        for (CheckResult r : results) {
            ObjectNode n = checks.addObject();
            n.put("id", r.id());
            n.put("host", r.host());
            n.put("status", r.status().name());
            n.put("message", r.message());
            n.put("fix", r.fix() == null ? "" : r.fix());
            n.put("duration_ms", r.duration().toMillis());
        }
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The Nagios plugin convention: one line per check, "STATUS - text | perfdata". */
    public void nagios(PrintWriter out) {
        for (CheckResult r : results) {
            out.printf("%s - %s %s: %s | time=%.3fs%n", r.status().nagios(), r.host(), r.id(),
                    r.message().replace('|', '/').replace('\n', ' '), r.duration().toMillis() / 1000.0);
        }
        out.flush();
    }
}
