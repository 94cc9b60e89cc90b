package dev.infra.diag;

import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * What went wrong, in words a user can act on: the innermost cause's message, without Java class
 * names; file-system failures said plainly (no such file, permission denied, the disk is full). The
 * one place that turns an exception into text for people.
 */
public final class Messages {
    private Messages() {}

    public static String of(Throwable e) {
        Throwable t = e;
        while ((t instanceof ExecutionException || t instanceof CompletionException || t instanceof UncheckedIOException
                || t.getMessage() == null) && t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        if (t instanceof NoSuchFileException f) {
            return "no such file or directory: " + f.getFile();
        }
        if (t instanceof AccessDeniedException f) {
            return "permission denied: " + f.getFile();
        }
        if (t instanceof NotDirectoryException f) {
            return "not a directory: " + f.getFile();
        }
        if (t instanceof FileAlreadyExistsException f) {
            return "already exists: " + f.getFile();
        }
        if (t instanceof FileSystemException f) {
            String reason = f.getReason() == null ? "" : f.getReason();
            if (reason.contains("No space left")) {
                return "the disk is full: cannot write " + f.getFile() + " (free some space, then run it again)";
            }
            return (reason.isEmpty() ? "cannot use" : reason) + ": " + f.getFile();
        }
        if (t instanceof OutOfMemoryError) {
            return "out of memory (the input is far larger than anything infra reads)";
        }
        String m = t.getMessage();
        if (m == null || m.isBlank()) {
            return words(t.getClass().getSimpleName());
        }
        // "java.lang.IllegalStateException: x" (a wrapped cause's toString) → "x".
        return m.replaceAll("\\b(?:[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(?:Exception|Error)\\b:?\\s*", "").strip();
    }

    /** The first line of {@code s}, stripped: enough of a tool's output to quote in a message. */
    public static String firstLine(String s) {
        String t = s == null ? "" : s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl);
    }

    /** "SocketTimeoutException" → "socket timeout". */
    private static String words(String className) {
        String base = className.replaceAll("(Exception|Error)$", "");
        return base.replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase();
    }
}
