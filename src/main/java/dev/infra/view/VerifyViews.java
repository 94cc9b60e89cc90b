package dev.infra.view;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.infra.diag.Style;
import dev.infra.verify.CheckResult;
import dev.infra.verify.CheckRunner;
import dev.infra.verify.Status;
import dev.infra.verify.VerifyReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A verify run's three views: text (for people), JSON (for tools, schemas/verify-1.0), Nagios lines. */
public final class VerifyViews {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private VerifyViews() {}

    /** Grouped by host, hosts with problems first; within a host, the worst first. */
    public static void text(VerifyReport report, PrintWriter out, Style style) {
        Map<String, List<CheckResult>> byHost = new LinkedHashMap<>();
        report.results().forEach(r -> byHost.computeIfAbsent(r.host(), h -> new ArrayList<>()).add(r));
        List<String> hosts = new ArrayList<>(byHost.keySet());
        hosts.sort(Comparator.comparingInt((String h) -> -Status.worst(byHost.get(h).stream().map(CheckResult::status).toList()).severity()));
        out.println("infra verify: " + report.inventory() + " — " + byHost.size() + " host(s), " + report.results().size() + " check(s) in "
                + seconds(report.took()));
        for (String host : hosts) {
            out.println();
            out.println(style.bold(host));
            List<CheckResult> rs = new ArrayList<>(byHost.get(host));
            rs.sort(Comparator.comparingInt((CheckResult r) -> -r.status().severity()));
            int width = rs.stream().mapToInt(r -> r.id().length()).max().orElse(10);
            for (CheckResult r : rs) {
                out.printf("  %s  %-" + width + "s  %s  [%s]%n", colour(r.status(), style), r.id(), r.message(),
                        seconds(r.duration()));
                if (r.status() != Status.OK && r.fix() != null && !r.fix().isBlank()) {
                    out.println("  " + " ".repeat(7) + " ".repeat(width + 2) + style.cyan("fix: ") + r.fix());
                }
            }
        }
        out.println();
        Map<Status, Long> c = report.counts();
        out.println("Summary: " + c.get(Status.OK) + " OK, " + c.get(Status.WARN) + " WARN, " + c.get(Status.CRIT) + " CRIT, "
                + c.get(Status.UNKNOWN) + " UNKNOWN → " + colour(report.status(), style).strip());
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

    public static String json(VerifyReport report) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format_version", VerifyReport.FORMAT_VERSION);
        root.put("inventory", report.inventory());
        root.put("status", report.status().name());
        root.put("exit_code", report.status().exitCode());
        root.put("duration_ms", report.took().toMillis());
        ObjectNode summary = root.putObject("summary");
        report.counts().forEach((s, n) -> summary.put(s.name(), n));
        ArrayNode checks = root.putArray("checks");
        for (CheckResult r : report.results()) {
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
    public static void nagios(VerifyReport report, PrintWriter out) {
        for (CheckResult r : report.results()) {
            out.printf(Locale.ROOT, "%s - %s %s: %s | time=%.3fs%n", r.status().nagios(), r.host(), r.id(),
                    r.message().replace('|', '/').replace('\n', ' '), r.duration().toMillis() / 1000.0);
        }
        out.flush();
    }

    private static String seconds(Duration d) {
        return CheckRunner.seconds(d);
    }
}
