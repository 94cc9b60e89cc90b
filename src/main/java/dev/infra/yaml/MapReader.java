package dev.infra.yaml;

import dev.infra.units.ByteSize;
import dev.infra.units.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions.ScalarStyle;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads one YAML mapping into typed values, recording every problem with its position. The keys a
 * section asks for are the section's schema: once the section has been read, {@link #finish()}
 * reports every key nobody asked for, with the closest known key as a suggestion. Scalars are read
 * from their source text, never through YAML 1.1's implicit typing, so {@code on} and {@code 0755}
 * are caught instead of silently becoming {@code true} and {@code 493}.
 */
public final class MapReader {
    private static final Pattern DECIMAL = Pattern.compile("0|[1-9][0-9]*");
    private static final Set<String> YAML11_BOOLEANS = Set.of("y", "yes", "n", "no", "on", "off");

    private final ReadContext ctx;
    private final String path;
    /** The path with user-chosen names replaced by {@code <name>}: hosts.<name>.via. */
    private final String schemaPath;
    /** True for mappings whose keys are user-chosen names (hosts, variables), not schema keys. */
    private boolean namesAreData;
    private final Loc loc;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();
    private final Set<String> known = new LinkedHashSet<>();

    private MapReader(ReadContext ctx, String path, String schemaPath, Loc loc, MappingNode node) {
        this.ctx = ctx;
        this.path = path;
        this.schemaPath = schemaPath;
        this.loc = loc;
        if (node != null) {
            for (NodeTuple t : node.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode key) {
                    entries.put(key.getValue(), t);
                }
            }
        }
    }

    /** The root of a document; reports a non-mapping root. */
    public static MapReader root(ReadContext ctx, Node node) {
        if (node instanceof MappingNode m) {
            return new MapReader(ctx, "", "", Loc.of(node), m);
        }
        ctx.error(Loc.of(node), "the inventory must be a mapping of sections (ssh, hosts, nats, …)",
                "start from inventory/example.yml");
        return new MapReader(ctx, "", "", Loc.of(node), null);
    }

    public String path() {
        return path;
    }

    public Loc loc() {
        return loc;
    }

    public ReadContext context() {
        return ctx;
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    public boolean has(String key) {
        ask(key);
        NodeTuple t = entries.get(key);
        return t != null && !isNull(t.getValueNode());
    }

    /** Where {@code key}'s value is, or the section itself when the key is absent. */
    public Loc locOf(String key) {
        NodeTuple t = entries.get(key);
        return t == null ? loc : Loc.of(t.getValueNode());
    }

    public String child(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** True when {@code key} holds a list (for keys that take a string or a list, like compose's command). */
    public boolean isList(String key) {
        NodeTuple t = entries.get(key);
        return t != null && t.getValueNode() instanceof SequenceNode;
    }

    /** True when {@code key} holds a mapping (for keys that take a string or a mapping, like compose's build). */
    public boolean isMap(String key) {
        NodeTuple t = entries.get(key);
        return t != null && t.getValueNode() instanceof MappingNode;
    }

    /** Reports a problem with {@code key}'s value (or with the section when it is absent). */
    public void error(String key, String message, String fix) {
        ctx.error(locOf(key), message, fix);
    }

    // ---- scalars -------------------------------------------------------------------------------

    public Optional<String> optString(String key) {
        return optText(key, TextKind.PLAIN);
    }

    public String string(String key, String dflt) {
        return optString(key).orElse(dflt);
    }

    /** A required string: reports its absence and returns null. */
    public String requiredString(String key, String fix) {
        Optional<String> v = optString(key);
        if (v.isEmpty() && !has(key)) {
            ctx.error(loc, (path.isEmpty() ? "" : path + ": ") + "missing required key '" + key + "'", fix);
        }
        return v.orElse(null);
    }

    public Optional<String> optText(String key, TextKind kind) {
        return scalar(key).flatMap(s -> text(s, child(key), kind));
    }

    public int integer(String key, int dflt, int min, int max) {
        return scalar(key).map(s -> integer(s, child(key), dflt, min, max)).orElse(dflt);
    }

    public boolean bool(String key, boolean dflt) {
        Optional<ScalarNode> s = scalar(key);
        if (s.isEmpty()) {
            return dflt;
        }
        String raw = s.get().getValue();
        if (raw.equalsIgnoreCase("true") || raw.equalsIgnoreCase("false")) {
            if (s.get().getScalarStyle() != ScalarStyle.PLAIN) {
                ctx.error(Loc.of(s.get()), child(key) + " is a boolean, not a string", "write true or false without quotes");
                return dflt;
            }
            return Boolean.parseBoolean(raw);
        }
        if (YAML11_BOOLEANS.contains(raw.toLowerCase())) {
            ctx.error(Loc.of(s.get()), child(key) + ": '" + raw + "' is a YAML 1.1 boolean that other tools read differently",
                    "write true or false");
        } else {
            ctx.error(Loc.of(s.get()), child(key) + " must be true or false, not '" + raw + "'", "write true or false");
        }
        return dflt;
    }

    public ByteSize size(String key, ByteSize dflt) {
        return scalar(key).map(s -> {
            try {
                ByteSize size = ByteSize.parse(s.getValue());
                if (s.getValue().startsWith("0") && s.getValue().length() > 1 && Character.isDigit(s.getValue().charAt(1))) {
                    throw new IllegalArgumentException("leading zero");
                }
                return size;
            } catch (IllegalArgumentException e) {
                ctx.error(Loc.of(s), child(key) + ": '" + s.getValue() + "' is not a size",
                        "write a number with a binary unit, e.g. 512MiB, 1G or 10GB (K = 1024)");
                return dflt;
            }
        }).orElse(dflt);
    }

    public Duration duration(String key, Duration dflt) {
        return scalar(key).map(s -> {
            try {
                return Durations.parse(s.getValue());
            } catch (IllegalArgumentException e) {
                ctx.error(Loc.of(s), child(key) + ": '" + s.getValue() + "' is not a duration",
                        "write a number with a unit: 500ms, 30s, 5m, 1h30m, 1d");
                return dflt;
            }
        }).orElse(dflt);
    }

    // ---- collections ---------------------------------------------------------------------------

    /** A list of strings; absent means empty. A lone string is refused, not silently wrapped. */
    public List<String> stringList(String key, TextKind kind) {
        ask(key);
        NodeTuple t = entries.get(key);
        List<String> out = new ArrayList<>();
        if (t == null || isNull(t.getValueNode())) {
            return out;
        }
        Node value = t.getValueNode();
        ctx.sourceMap.put(child(key), Loc.of(value));
        if (!(value instanceof SequenceNode seq)) {
            ctx.error(Loc.of(value), child(key) + " must be a list", "write it as a list: " + key + ": [a, b]");
            return out;
        }
        int i = 0;
        for (Node item : seq.getValue()) {
            String itemPath = child(key) + "[" + i++ + "]";
            ctx.sourceMap.put(itemPath, Loc.of(item));
            if (item instanceof ScalarNode s && !isNull(s)) {
                text(s, itemPath, kind).ifPresent(out::add);
            } else {
                ctx.error(Loc.of(item), itemPath + " must be a single value", "write a plain string");
            }
        }
        return out;
    }

    /** A nested section; absent (or empty) gives an empty reader so defaults apply. */
    public MapReader map(String key) {
        ask(key);
        NodeTuple t = entries.get(key);
        String childPath = child(key);
        if (t == null || isNull(t.getValueNode())) {
            return new MapReader(ctx, childPath, schemaChild(key), t == null ? loc : Loc.of(t.getKeyNode()), null);
        }
        Node value = t.getValueNode();
        ctx.sourceMap.put(childPath, Loc.of(t.getKeyNode()));
        if (value instanceof MappingNode m) {
            return new MapReader(ctx, childPath, schemaChild(key), Loc.of(t.getKeyNode()), m);
        }
        ctx.error(Loc.of(value), childPath + " must be a mapping of keys", "indent its keys under '" + key + ":'");
        return new MapReader(ctx, childPath, schemaChild(key), Loc.of(value), null);
    }

    /** A mapping from user-chosen names to sections, e.g. hosts. Names must match {@code namePattern}. */
    public LinkedHashMap<String, MapReader> sections(String key, Pattern namePattern, String nameRule) {
        MapReader outer = map(key);
        outer.namesAreData = true;
        LinkedHashMap<String, MapReader> out = new LinkedHashMap<>();
        for (Map.Entry<String, NodeTuple> e : outer.entries.entrySet()) {
            String name = e.getKey();
            outer.known.add(name);
            Loc keyLoc = Loc.of(e.getValue().getKeyNode());
            if (!namePattern.matcher(name).matches()) {
                ctx.error(keyLoc, "'" + name + "' is not a valid name under " + outer.path, nameRule);
                continue;
            }
            out.put(name, outer.map(name));
        }
        return out;
    }

    /** A mapping from user-chosen names to strings, e.g. variables or extra_hosts. */
    public LinkedHashMap<String, String> stringMap(String key, Pattern namePattern, String nameRule, TextKind kind) {
        MapReader outer = map(key);
        outer.namesAreData = true;
        LinkedHashMap<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, NodeTuple> e : outer.entries.entrySet()) {
            String name = e.getKey();
            outer.known.add(name);
            if (!namePattern.matcher(name).matches()) {
                ctx.error(Loc.of(e.getValue().getKeyNode()), "'" + name + "' is not a valid name under " + outer.path, nameRule);
                continue;
            }
            outer.optText(name, kind).ifPresent(v -> out.put(name, v));
        }
        return out;
    }

    /** A list of mappings (e.g. a playbook's steps), each read as its own section. */
    public List<MapReader> sectionList(String key) {
        ask(key);
        NodeTuple t = entries.get(key);
        List<MapReader> out = new ArrayList<>();
        if (t == null || isNull(t.getValueNode())) {
            return out;
        }
        Node value = t.getValueNode();
        if (!(value instanceof SequenceNode seq)) {
            ctx.error(Loc.of(value), child(key) + " must be a list", "write each item on its own line starting with '- '");
            return out;
        }
        int i = 0;
        for (Node item : seq.getValue()) {
            String itemPath = child(key) + "[" + i++ + "]";
            if (item instanceof MappingNode m) {
                out.add(new MapReader(ctx, itemPath, schemaChild(key) + "[]", Loc.of(item), m));
            } else {
                ctx.error(Loc.of(item), itemPath + " must be a mapping", "e.g. - name: …");
            }
        }
        return out;
    }

    /** Reports every key of this section that no reader asked for. Call after reading it all. */
    public void finish() {
        for (Map.Entry<String, NodeTuple> e : entries.entrySet()) {
            if (!known.contains(e.getKey())) {
                String where = path.isEmpty() ? "at the top level" : "in " + path;
                ctx.error(Loc.of(e.getValue().getKeyNode()),
                        "unknown key '" + e.getKey() + "' " + where + "." + Suggest.didYouMean(e.getKey(), known),
                        "known keys here: " + String.join(", ", known));
            }
        }
    }

    // ---- internals -----------------------------------------------------------------------------

    /** Marks {@code key} as part of this section's schema, and records it for the reference check. */
    private void ask(String key) {
        known.add(key);
        if (!namesAreData) {
            ctx.schema.asked(schemaChild(key), entries.containsKey(key));
        }
    }

    private String schemaChild(String key) {
        String name = namesAreData ? "<name>" : key;
        return schemaPath.isEmpty() ? name : schemaPath + "." + name;
    }

    private Optional<ScalarNode> scalar(String key) {
        ask(key);
        NodeTuple t = entries.get(key);
        if (t == null || isNull(t.getValueNode())) {
            return Optional.empty();
        }
        Node value = t.getValueNode();
        ctx.sourceMap.put(child(key), Loc.of(value));
        if (value instanceof ScalarNode s) {
            return Optional.of(s);
        }
        ctx.error(Loc.of(value), child(key) + " must be a single value, not a "
                + (value instanceof SequenceNode ? "list" : "mapping"), "write a plain value after '" + key + ":'");
        return Optional.empty();
    }

    private Optional<String> text(ScalarNode s, String fieldPath, TextKind kind) {
        if (s.getScalarStyle() == ScalarStyle.PLAIN && s.getTag() == Tag.BOOL) {
            ctx.error(Loc.of(s), fieldPath + ": '" + s.getValue() + "' would be read as a boolean by YAML 1.1",
                    "quote it if you mean the text: \"" + s.getValue() + "\"");
            return Optional.empty();
        }
        String value = ctx.interpolate(s, fieldPath, kind);
        if (value != null) {
            int bad = value.codePoints().filter(MapReader::forbidden).findFirst().orElse(-1);
            if (bad >= 0) {
                ctx.error(Loc.of(s), fieldPath + " contains the control character " + String.format("U+%04X", bad) + " (" + NAMES.getOrDefault(bad,
                        "a control character") + "): env files and compose split lines on such characters, so one value could"
                        + " set another key on a host", "remove it: values are one line of plain text");
                return Optional.empty();
            }
        }
        return Optional.ofNullable(value);
    }

    /** Carriage returns, NUL, other C0/C1 controls, NEL and the Unicode line and paragraph separators; tab and newline pass. */
    static boolean forbidden(int c) {
        return (c < 0x20 && c != '\t' && c != '\n') || (c >= 0x7F && c <= 0x9F) || c == 0x2028 || c == 0x2029;
    }

    private static final Map<Integer, String> NAMES = Map.of(0x0D, "carriage return", 0x00, "NUL", 0x85, "next line, NEL",
            0x2028, "line separator", 0x2029, "paragraph separator", 0x1B, "escape");

    private int integer(ScalarNode s, String fieldPath, int dflt, int min, int max) {
        String raw = s.getValue();
        if (raw.contains("${")) {
            // A port may come from a variable (the lab publishes its bastion on a free port).
            raw = ctx.interpolate(s, fieldPath, TextKind.PLAIN);
            if (raw == null) {
                return dflt;
            }
        }
        if (!DECIMAL.matcher(raw).matches()) {
            if (raw.matches("0[0-7]+")) {
                ctx.error(Loc.of(s), fieldPath + ": '" + raw + "' has a leading zero, which YAML 1.1 reads as octal ("
                        + Integer.parseInt(raw, 8) + ")", "write the decimal number without the leading zero");
            } else {
                ctx.error(Loc.of(s), fieldPath + " must be a whole number, not '" + raw + "'",
                        "write digits only, e.g. " + Math.max(min, 1));
            }
            return dflt;
        }
        long value;
        try {
            value = Long.parseLong(raw);
        } catch (NumberFormatException e) {
            value = Long.MAX_VALUE;
        }
        if (value < min || value > max) {
            ctx.error(Loc.of(s), fieldPath + " must be between " + min + " and " + max + ", not " + raw,
                    "choose a value in that range");
            return dflt;
        }
        return (int) value;
    }

    private static boolean isNull(Node node) {
        return node instanceof ScalarNode s && s.getTag() == Tag.NULL
                && s.getScalarStyle() == ScalarStyle.PLAIN;
    }
}
