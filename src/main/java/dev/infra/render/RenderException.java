package dev.infra.render;

/** A template could not be rendered; the message names the template and line. */
public final class RenderException extends RuntimeException {
    public RenderException(String message, Throwable cause) {
        super(message, cause);
    }
}
