package dev.infra.render;

import dev.infra.ssh.Shell;
import dev.infra.units.ByteSize;
import dev.infra.units.Durations;
import dev.infra.yaml.YamlText;
import io.pebbletemplates.pebble.extension.AbstractExtension;
import io.pebbletemplates.pebble.extension.Filter;
import io.pebbletemplates.pebble.template.EvaluationContext;
import io.pebbletemplates.pebble.template.PebbleTemplate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Function;

/**
 * Quoting filters for what templates emit, so a value can never break the file it lands in:
 * {@code yaml} (a double-quoted YAML scalar), {@code compose} (the same with compose's {@code $}
 * interpolation escaped), {@code conf} (a nats.conf string), {@code go} (a Duration as nats-server
 * and Docker write it) and {@code bytes} (a size as an exact byte count).
 */
final class TemplateFilters extends AbstractExtension {

    @Override
    public Map<String, Filter> getFilters() {
        return Map.of(
                "yaml", filter(v -> YamlText.quote(String.valueOf(v))),
                "compose", filter(TemplateFilters::composeValue),
                "conf", filter(v -> confQuote(String.valueOf(v))),
                "go", filter(v -> Durations.format((Duration) v)),
                "bytes", filter(v -> String.valueOf(((ByteSize) v).bytes())),
                "sh", filter(v -> Shell.quote(String.valueOf(v))),
                "shpath", filter(v -> Shell.path(String.valueOf(v))),
                "slurmtime", filter(v -> slurmTime((Duration) v)),
                "mebibytes", filter(v -> String.valueOf(Math.max(1, ((ByteSize) v).bytes() / (1024 * 1024)))));
    }

    /** SLURM's wall time: [D-]HH:MM:SS, rounded up to whole minutes (SLURM counts minutes). */
    static String slurmTime(Duration d) {
        long minutes = (d.toSeconds() + 59) / 60;
        long days = minutes / (24 * 60);
        long hours = minutes / 60 % 24;
        String hms = String.format("%02d:%02d:00", hours, minutes % 60);
        return days > 0 ? days + "-" + hms : hms;
    }

    /**
     * A compose value on one line: strings double-quoted with {@code $} escaped, numbers and booleans
     * plain, lists and mappings in flow style ({@code ["a", "b"]}, {@code {"K": "v"}}), nested as deep as needed.
     */
    static String composeValue(Object v) {
        if (v instanceof Integer || v instanceof Long || v instanceof Boolean) {
            return String.valueOf(v);
        }
        if (v instanceof List<?> list) {
            StringJoiner j = new StringJoiner(", ", "[", "]");
            list.forEach(item -> j.add(composeValue(item)));
            return j.toString();
        }
        if (v instanceof Map<?, ?> map) {
            StringJoiner j = new StringJoiner(", ", "{", "}");
            map.forEach((key, value) -> j.add(YamlText.quote(String.valueOf(key)) + ": " + composeValue(value)));
            return j.toString();
        }
        return YamlText.quote(String.valueOf(v).replace("$", "$$"));
    }

    static String confQuote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    private static Filter filter(Function<Object, String> f) {
        return new Filter() {
            @Override
            public Object apply(Object input, Map<String, Object> args, PebbleTemplate self,
                                EvaluationContext context, int lineNumber) {
                return input == null ? null : f.apply(input);
            }

            @Override
            public List<String> getArgumentNames() {
                return List.of();
            }
        };
    }
}
