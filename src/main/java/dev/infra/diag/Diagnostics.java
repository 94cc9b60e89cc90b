package dev.infra.diag;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Collects every problem of a run instead of stopping at the first, so one `infra validate` shows
 * a user everything to fix in a file.
 */
public final class Diagnostics {
    private final List<Diagnostic> items = new ArrayList<>();

    public void add(Diagnostic d) {
        if (!items.contains(d)) {
            items.add(d);
        }
    }

    public void error(Path file, int line, int column, String message, String fix) {
        add(Diagnostic.at(file, line, column, message, fix));
    }

    public boolean isEmpty() {
        return items.isEmpty();
    }

    public int size() {
        return items.size();
    }

    /** In file order, so the output reads top to bottom like the file. */
    public List<Diagnostic> sorted() {
        List<Diagnostic> copy = new ArrayList<>(items);
        copy.sort(Comparator.comparing((Diagnostic d) -> d.file().toString())
                .thenComparingInt(Diagnostic::line)
                .thenComparingInt(Diagnostic::column));
        return copy;
    }
}
