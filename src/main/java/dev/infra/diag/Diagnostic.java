package dev.infra.diag;

import java.nio.file.Path;

/**
 * One problem found in a user's input, pinned to a place in a file. Line and column are 1-based,
 * as editors and compilers print them; {@code fix} tells the user what to do, not what went wrong.
 */
public record Diagnostic(Path file, int line, int column, String message, String fix) {

    public static Diagnostic at(Path file, int line, int column, String message, String fix) {
        return new Diagnostic(file, line, column, message, fix);
    }

    /** {@code file:line:column} — the form editors and terminals turn into a link. */
    public String location() {
        return file + ":" + line + ":" + column;
    }
}
