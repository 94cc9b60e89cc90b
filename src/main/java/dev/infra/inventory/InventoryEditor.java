package dev.infra.inventory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Edits an inventory as text, so that everything a person wrote — comments, order, blank lines,
 * quoting — stays exactly as it was: a new host is inserted at the end of the `hosts:` block, in
 * the block's own indentation. The result is checked by loading it, never trusted blindly.
 */
public final class InventoryEditor {
    private InventoryEditor() {}

    /** {@code text} with host {@code name} added; {@code fields} in order (values are plain scalars or [lists]). */
    public static String addHost(String text, String name, Map<String, String> fields) {
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        int hostsLine = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).matches("hosts:\\s*(#.*)?")) {
                hostsLine = i;
                break;
            }
        }
        if (hostsLine < 0) {
            throw new IllegalArgumentException("the inventory has no top-level `hosts:` block");
        }
        // The block ends at the next top-level key; trailing blank and comment lines belong to what follows.
        int end = lines.size();
        for (int i = hostsLine + 1; i < lines.size(); i++) {
            String l = lines.get(i);
            if (!l.isEmpty() && !Character.isWhitespace(l.charAt(0)) && !l.startsWith("#")) {
                end = i;
                break;
            }
        }
        int insertAt = end;
        while (insertAt - 1 > hostsLine && (lines.get(insertAt - 1).isBlank() || lines.get(insertAt - 1).stripLeading().startsWith("#")
                && indent(lines.get(insertAt - 1)) == 0)) {
            insertAt--;
        }
        String hostIndent = "  ";
        String fieldIndent = "    ";
        for (int i = hostsLine + 1; i < end; i++) {
            String l = lines.get(i);
            if (!l.isBlank() && !l.stripLeading().startsWith("#")) {
                hostIndent = " ".repeat(indent(l));
                for (int j = i + 1; j < end; j++) {
                    String f = lines.get(j);
                    if (!f.isBlank() && !f.stripLeading().startsWith("#") && indent(f) > indent(l)) {
                        fieldIndent = " ".repeat(indent(f));
                        break;
                    }
                }
                break;
            }
        }
        List<String> block = new ArrayList<>();
        block.add(hostIndent + name + ":");
        for (Map.Entry<String, String> f : fields.entrySet()) {
            block.add(fieldIndent + f.getKey() + ": " + f.getValue());
        }
        lines.addAll(insertAt, block);
        return String.join("\n", lines);
    }

    private static int indent(String line) {
        int n = 0;
        while (n < line.length() && line.charAt(n) == ' ') {
            n++;
        }
        return n;
    }
}
