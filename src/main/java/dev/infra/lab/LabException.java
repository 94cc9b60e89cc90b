package dev.infra.lab;

/** The lab cannot do what was asked; the message says what to do instead. */
public final class LabException extends RuntimeException {
    public LabException(String message) {
        super(message);
    }

    public LabException(String message, Throwable cause) {
        super(message, cause);
    }
}
