package dev.infra.ssh;

import java.util.List;
import java.util.stream.Collectors;

/** POSIX shell quoting: every remote command infra builds goes through here. */
public final class Shell {
    private Shell() {}

    /** 'text' with embedded single quotes closed, escaped and reopened: safe for any bytes but NUL. */
    public static String quote(String s) {
        if (!s.isEmpty() && s.matches("[A-Za-z0-9_./:=@%+,-]+")) {
            return s;
        }
        return "'" + s.replace("'", "'\\''") + "'";
    }

    public static String join(List<String> argv) {
        return argv.stream().map(Shell::quote).collect(Collectors.joining(" "));
    }

    /** A remote path: a leading ~/ becomes "$HOME"/ so it expands on the host and nowhere else. */
    public static String path(String remotePath) {
        if (remotePath.equals("~")) {
            return "\"$HOME\"";
        }
        if (remotePath.startsWith("~/")) {
            return "\"$HOME\"/" + quote(remotePath.substring(2));
        }
        return quote(remotePath);
    }
}
