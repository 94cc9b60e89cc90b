package dev.infra.yaml;

import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.Node;

/** A 1-based line and column in a source file. */
public record Loc(int line, int column) {
    public static final Loc START = new Loc(1, 1);

    public static Loc of(Node node) {
        Mark m = node.getStartMark();
        return new Loc(m.getLine() + 1, m.getColumn() + 1);
    }
}
