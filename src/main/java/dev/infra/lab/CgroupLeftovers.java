package dev.infra.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A lab host's inner Docker engine creates cgroups directly in this machine's hierarchy (under the
 * --cgroup-parent named after the container); they outlive the container. `lab down` removes them
 * so nothing of a lab stays behind. Only empty cgroup directories can be removed, deepest first.
 */
final class CgroupLeftovers {
    private static final Path ROOT = Path.of("/sys/fs/cgroup");

    private CgroupLeftovers() {}

    static void remove(String parentName) {
        if (!Files.isDirectory(ROOT)) {
            return;
        }
        try (Stream<Path> controllers = Files.list(ROOT)) {
            for (Path controller : controllers.toList()) {
                Path dir = controller.getFileName().toString().equals(parentName) ? controller : controller.resolve(parentName);
                if (Files.isDirectory(dir)) {
                    removeTree(dir);
                }
            }
        } catch (IOException ignored) {
            // best effort: an empty cgroup directory left behind costs nothing
        }
    }

    private static void removeTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            List<Path> dirs = walk.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList();
            for (Path d : dirs) {
                try {
                    Files.delete(d);
                } catch (IOException ignored) {
                    // still in use, or not ours to remove
                }
            }
        } catch (IOException ignored) {
            // best effort
        }
    }
}
