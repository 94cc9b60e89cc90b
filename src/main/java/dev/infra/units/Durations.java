package dev.infra.units;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as operators and Go programs (nats-server, Docker) write them: {@code 30s}, {@code 5m},
 * {@code 1h30m}, {@code 500ms}, {@code 1d}. A bare number is refused: "300" could be seconds or
 * milliseconds, and guessing is how ack_wait ends up a thousand times too short.
 */
public final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private Durations() {}

    /** Waits {@code d}; an interrupt ends the wait early and stays set for the caller to see. */
    public static void pause(Duration d) {
        try {
            Thread.sleep(Math.min(d.toMillis(), Long.MAX_VALUE / 2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static Duration parse(String text) {
        String s = text.trim();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("an empty duration");
        }
        Matcher m = PART.matcher(s);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                throw new IllegalArgumentException("'" + text + "' is not a duration");
            }
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            });
            end = m.end();
        }
        if (end != s.length()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration");
        }
        return total;
    }

    /** Go-style text that nats-server and Docker accept back: 1h30m, 5m, 30s, 500ms. */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        StringBuilder b = new StringBuilder();
        long hours = d.toHours();
        long minutes = d.toMinutesPart();
        long seconds = d.toSecondsPart();
        long millis = d.toMillisPart();
        if (hours > 0) b.append(hours).append('h');
        if (minutes > 0) b.append(minutes).append('m');
        if (seconds > 0) b.append(seconds).append('s');
        if (millis > 0) b.append(millis).append("ms");
        return b.toString();
    }
}
