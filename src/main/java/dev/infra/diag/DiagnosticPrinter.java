package dev.infra.diag;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Prints diagnostics the way compilers do: location, message, the offending source line with a
 * caret under the column, and the fix.
 */
public final class DiagnosticPrinter {
    private final Map<Path, List<String>> sources = new HashMap<>();
    private final Style style;

    public DiagnosticPrinter(Style style) {
        this.style = style;
    }

    public void print(List<Diagnostic> diagnostics, PrintWriter out) {
        for (Diagnostic d : diagnostics) {
            out.println(style.bold(d.location() + ": ") + style.red("error: ") + d.message());
            sourceLine(d).ifPresent(line -> {
                out.println("    " + line);
                out.println("    " + " ".repeat(Math.max(0, d.column() - 1)) + style.red("^"));
            });
            if (d.fix() != null && !d.fix().isBlank()) {
                out.println("    " + style.cyan("fix: ") + d.fix());
            }
        }
        out.println(diagnostics.size() == 1 ? "1 error." : diagnostics.size() + " errors.");
        out.flush();
    }

    private Optional<String> sourceLine(Diagnostic d) {
        List<String> lines = sources.computeIfAbsent(d.file(), DiagnosticPrinter::readLines);
        if (d.line() < 1 || d.line() > lines.size()) {
            return Optional.empty();
        }
        String line = lines.get(d.line() - 1);
        // Very long lines (a minified bomb) would flood the terminal; the location is enough.
        return line.length() > 200 ? Optional.empty() : Optional.of(line);
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }
}
