package dev.infra.render;

/** Where a host's file lands in a local mirror tree: ~/x → home/x, /etc/x → etc/x. */
public final class LocalMirror {
    private LocalMirror() {}

    public static String pathFor(String remotePath) {
        if (remotePath.startsWith("~/")) {
            return "home/" + remotePath.substring(2);
        }
        return remotePath.replaceFirst("^/+", "");
    }
}
