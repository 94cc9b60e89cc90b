package dev.infra.verify;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The results of a verify run; its views (text, JSON, Nagios) are in the view package (VerifyViews). */
public record VerifyReport(String inventory, List<CheckResult> results, Duration took) {
    public static final String FORMAT_VERSION = "1.0";

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
}
