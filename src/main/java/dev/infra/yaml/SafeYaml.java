package dev.infra.yaml;

import dev.infra.diag.Diagnostics;
import dev.infra.diag.Messages;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Loads a YAML file as a node tree (never as Java objects) with hard limits, so an inventory can
 * neither instantiate types nor exhaust memory. Nodes keep their source marks, which every later
 * error message needs.
 */
public final class SafeYaml {
    /** Inventories are small; a few megabytes is already suspicious. */
    static final int MAX_CODE_POINTS = 2 * 1024 * 1024;
    static final int MAX_ALIASES = 20;
    static final int MAX_DEPTH = 40;
    /** Aliases share nodes; walking them expands. Cap the expanded size ("billion laughs"). */
    static final int MAX_EXPANDED_NODES = 100_000;

    private static final Set<Tag> CORE_TAGS = Set.of(Tag.STR, Tag.INT, Tag.BOOL, Tag.FLOAT, Tag.NULL,
            Tag.MAP, Tag.SEQ, Tag.TIMESTAMP, Tag.BINARY, Tag.MERGE);

    /** Refused before reading: far above any real inventory, far below what makes the parser crawl. */
    public static final long MAX_BYTES = 2L << 20;

    private SafeYaml() {}

    /** The document's root node, or empty after reporting why it cannot be used. */
    public static Optional<Node> load(Path file, Diagnostics diags) {
        String text;
        try {
            if (!Files.isRegularFile(file)) {
                diags.error(file, 1, 1, "not a regular file (a directory, a device, a pipe?)", "name the YAML file itself");
                return Optional.empty();
            }
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                diags.error(file, 1, 1, "the file has " + size + " bytes; infra reads at most " + MAX_BYTES
                        + " (an inventory or playbook is a few kilobytes)", "check that this is the file you meant");
                return Optional.empty();
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            diags.error(file, 1, 1, "cannot read the file: " + e.getMessage(),
                    "check the path and its permissions");
            return Optional.empty();
        }
        return parse(file, text, diags);
    }

    public static Optional<Node> parse(Path file, String text, Diagnostics diags) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setNestingDepthLimit(MAX_DEPTH);
        options.setCodePointLimit(MAX_CODE_POINTS);
        options.setAllowRecursiveKeys(false);
        Yaml yaml = new Yaml(new SafeConstructor(options));
        Node root;
        try (Reader reader = new StringReader(text)) {
            root = yaml.compose(reader);
        } catch (MarkedYAMLException e) {
            // An unclosed quote or bracket is found at the end of the file; where it opened is what helps.
            boolean atEnd = e.getProblem() != null && e.getProblem().contains("end of stream");
            Mark mark = atEnd && e.getContextMark() != null ? e.getContextMark()
                    : e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String raw = (e.getContext() != null ? e.getContext() + ": " : "") + e.getProblem();
            diags.error(file, mark == null ? 1 : mark.getLine() + 1, mark == null ? 1 : mark.getColumn() + 1,
                    describe(raw), fixFor(raw));
            return Optional.empty();
        } catch (YAMLException | IOException e) {
            String raw = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            diags.error(file, 1, 1, describe(raw), fixFor(raw));
            return Optional.empty();
        }
        if (root == null) {
            diags.error(file, 1, 1, "the file is empty", "start from inventory/example.yml");
            return Optional.empty();
        }
        int before = diags.size();
        new StructureCheck(file, diags).walk(root, 0);
        return diags.size() == before ? Optional.of(root) : Optional.empty();
    }

    private static String describe(String problem) {
        if (problem.contains("Number of aliases")) {
            return "too many YAML aliases (more than " + MAX_ALIASES + "): this looks like an alias bomb";
        }
        if (problem.contains("Nesting Depth")) {
            return "the document nests deeper than " + MAX_DEPTH + " levels";
        }
        if (problem.contains("Global tag is not allowed")) {
            return "YAML tag " + problem.substring(problem.indexOf("tag:")).strip() + " is not allowed in an inventory";
        }
        return "not valid YAML: " + Messages.firstLine(problem);
    }

    private static String fixFor(String problem) {
        if (problem.contains("tag")) {
            return "remove the tag; inventories hold plain strings, numbers, lists and mappings";
        }
        if (problem.contains("alias")) {
            return "write values out, or use `variables:` and ${var:NAME} instead of anchors";
        }
        if (problem.contains("code points") || problem.contains("exceeds")) {
            return "an inventory should be a few kilobytes; split or trim the file";
        }
        if (problem.contains("tab") || problem.contains("\\t")) {
            return "indent with spaces, never tabs";
        }
        return "fix the YAML syntax at this position (indentation, a missing ':' or an unclosed quote)";
    }

    /**
     * What the composer does not check: duplicate keys (it leaves that to the constructor, which we
     * do not run), non-scalar keys, merge keys, foreign tags, and the expanded size of aliases.
     */
    private static final class StructureCheck {
        private final Path file;
        private final Diagnostics diags;
        private final Map<Node, Boolean> reported = new IdentityHashMap<>();
        private int visited;

        StructureCheck(Path file, Diagnostics diags) {
            this.file = file;
            this.diags = diags;
        }

        void walk(Node node, int depth) {
            if (++visited > MAX_EXPANDED_NODES) {
                if (visited == MAX_EXPANDED_NODES + 1) {
                    error(node, "the document expands to more than " + MAX_EXPANDED_NODES
                            + " nodes through aliases: this looks like an alias bomb",
                            "write values out, or use `variables:` and ${var:NAME} instead of anchors");
                }
                return;
            }
            if (!CORE_TAGS.contains(node.getTag()) && reported.put(node, true) == null) {
                error(node, "YAML tag " + node.getTag().getValue() + " is not allowed in an inventory",
                        "remove the tag; inventories hold plain strings, numbers, lists and mappings");
            }
            if (node instanceof MappingNode mapping) {
                Map<String, Node> seen = new HashMap<>();
                for (NodeTuple tuple : mapping.getValue()) {
                    Node key = tuple.getKeyNode();
                    if (!(key instanceof ScalarNode scalarKey)) {
                        error(key, "keys must be plain names, not lists or mappings", "use a plain name as the key");
                        continue;
                    }
                    if (key.getTag() == Tag.MERGE || "<<".equals(scalarKey.getValue())) {
                        error(key, "YAML merge keys (<<) are not supported",
                                "write the keys out, or use `variables:` and ${var:NAME}");
                        continue;
                    }
                    Node first = seen.putIfAbsent(scalarKey.getValue(), key);
                    if (first != null && reported.put(key, true) == null) {
                        error(key, "duplicate key '" + scalarKey.getValue() + "' (first defined at line "
                                + (first.getStartMark().getLine() + 1) + "); YAML would silently keep only the last",
                                "remove one of the two, or merge them");
                    }
                    walk(tuple.getValueNode(), depth + 1);
                }
            } else if (node instanceof SequenceNode sequence) {
                for (Node item : sequence.getValue()) {
                    walk(item, depth + 1);
                }
            }
        }

        private void error(Node node, String message, String fix) {
            Mark m = node.getStartMark();
            diags.error(file, m.getLine() + 1, m.getColumn() + 1, message, fix);
        }
    }
}
