package dev.infra.verify;

import java.time.Duration;

/** One check's verdict on one host: what was found, and what to do about it. */
public record CheckResult(String id, String host, Status status, String message, String fix, Duration duration) {

    /** The outcome a check body returns; the runner adds id, host and duration. */
    public record Outcome(Status status, String message, String fix) {
        public static Outcome ok(String message) { return new Outcome(Status.OK, message, ""); }
        public static Outcome warn(String message, String fix) { return new Outcome(Status.WARN, message, fix); }
        public static Outcome crit(String message, String fix) { return new Outcome(Status.CRIT, message, fix); }
        public static Outcome unknown(String message, String fix) { return new Outcome(Status.UNKNOWN, message, fix); }
    }
}
