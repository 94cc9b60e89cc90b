package dev.infra.ssh;

import java.nio.file.Path;

/** Local file paths as an inventory writes them: ~/ is the user's home, relative is the inventory's directory. */
public final class LocalPaths {
    private LocalPaths() {}

    public static Path resolve(String path, Path inventoryDir) {
        if (path.equals("~")) {
            return home();
        }
        if (path.startsWith("~/")) {
            return home().resolve(path.substring(2)).normalize();
        }
        return inventoryDir.toAbsolutePath().resolve(path).normalize();
    }

    private static Path home() {
        return Path.of(System.getProperty("user.home"));
    }
}
