package dev.infra.render;

/**
 * A file infra owns entirely on a host. {@code path} is as the host sees it ({@code ~/} is the
 * SSH user's home); {@code content} may hold secret references, resolved only when written.
 */
public record DesiredFile(String path, String content, String template) {}
