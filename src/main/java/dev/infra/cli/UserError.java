package dev.infra.cli;

/** A failure the user can fix from its message alone (a missing file, a bad flag combination). */
public final class UserError extends RuntimeException {
    public UserError(String message) {
        super(message);
    }
}
