package dev.infra.units;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A size in bytes, written as operators write them: {@code 512MiB}, {@code 1G}, {@code 10GB},
 * {@code 1048576}. Every unit is binary (K = 1024), like Docker's and nats-server's own flags, so
 * {@code 1G} and {@code 1GiB} mean the same; rendered files always carry the exact byte count.
 */
public record ByteSize(long bytes) {
    private static final Pattern FORM = Pattern.compile("(\\d+)\\s*([KMGT]?)(I?B?)", Pattern.CASE_INSENSITIVE);

    public static ByteSize parse(String text) {
        Matcher m = FORM.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size");
        }
        String unit = m.group(2).toUpperCase(Locale.ROOT);
        if (unit.isEmpty() && !m.group(3).isEmpty() && !m.group(3).equalsIgnoreCase("B")) {
            throw new IllegalArgumentException("'" + text + "' is not a size");
        }
        int shift = switch (unit) {
            case "" -> 0;
            case "K" -> 10;
            case "M" -> 20;
            case "G" -> 30;
            case "T" -> 40;
            default -> throw new IllegalArgumentException("'" + text + "' is not a size");
        };
        long number;
        try {
            number = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is too large");
        }
        if (shift > 0 && number > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException("'" + text + "' is too large");
        }
        return new ByteSize(number << shift);
    }

    /** The shortest exact form: 1073741824 → "1GiB", 1500 → "1500B". */
    public String human() {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        long value = bytes;
        int i = 0;
        while (i < units.length - 1 && value != 0 && value % 1024 == 0) {
            value /= 1024;
            i++;
        }
        return value + units[i];
    }

    @Override
    public String toString() {
        return human();
    }
}
