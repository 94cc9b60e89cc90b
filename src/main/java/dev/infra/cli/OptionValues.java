package dev.infra.cli;

import dev.infra.units.Durations;
import java.time.Duration;

/** Command-line values every command reads the same way: a bad one is a usage error naming the option. */
final class OptionValues {
    private OptionValues() {}

    static Duration duration(String option, String text) {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UserError(option + ": " + e.getMessage() + " (write a number with a unit: 500ms, 30s, 5m, 1h)");
        }
    }
}
