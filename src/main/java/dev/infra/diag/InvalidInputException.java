package dev.infra.diag;

import java.util.List;

/** Raised when input cannot be used; carries every diagnostic so the CLI can print them all. */
public final class InvalidInputException extends RuntimeException {
    private final List<Diagnostic> diagnostics;

    public InvalidInputException(Diagnostics diagnostics) {
        super(diagnostics.size() + " problem(s) in the input");
        this.diagnostics = diagnostics.sorted();
    }

    public List<Diagnostic> diagnostics() {
        return diagnostics;
    }
}
