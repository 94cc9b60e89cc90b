package dev.infra.yaml;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Where each value of a loaded document came from, by dotted path ("hosts.ami-cc.via"). The bound
 * records stay plain data; semantic checks that run later still point at the right line.
 */
public final class SourceMap {
    private final Path file;
    private final Map<String, Loc> locations = new HashMap<>();

    public SourceMap(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    void put(String path, Loc loc) {
        locations.putIfAbsent(path, loc);
    }

    /** Whether {@code path} itself was written in the file (not only a parent of it). */
    public boolean has(String path) {
        return locations.containsKey(path);
    }

    /** The location of {@code path}, or of its closest recorded parent, or the start of the file. */
    public Loc at(String path) {
        String p = path;
        while (true) {
            Loc loc = locations.get(p);
            if (loc != null) {
                return loc;
            }
            int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
            if (cut <= 0) {
                return Loc.START;
            }
            p = p.substring(0, cut);
        }
    }
}
