package dev.infra.apply;

import java.util.ArrayList;
import java.util.List;

/** `--batch N` or `--batch P%`: how many hosts change at once in a rolling apply. */
public final class Batches {
    private Batches() {}

    public static <T> List<List<T>> split(List<T> items, String spec) {
        int size = size(items.size(), spec);
        List<List<T>> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i += size) {
            out.add(List.copyOf(items.subList(i, Math.min(items.size(), i + size))));
        }
        return out;
    }

    /** Refuses a spec that is neither N nor P% before anything runs; the message says what to write. */
    public static void check(String spec) {
        size(1, spec);
    }

    static int size(int total, String spec) {
        if (spec == null || spec.isBlank()) {
            return Math.max(1, total);
        }
        String s = spec.strip();
        try {
            if (s.endsWith("%")) {
                int percent = Integer.parseInt(s.substring(0, s.length() - 1));
                if (percent < 1 || percent > 100) {
                    throw new IllegalArgumentException();
                }
                return Math.max(1, (int) Math.ceil(total * percent / 100.0));
            }
            int n = Integer.parseInt(s);
            if (n < 1) {
                throw new IllegalArgumentException();
            }
            return n;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--batch must be a number of hosts (2) or a percentage (25%), not '" + spec + "'");
        }
    }
}
