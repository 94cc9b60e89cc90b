package dev.infra.yaml;

import java.util.Set;
import java.util.TreeSet;

/**
 * The keys a loader asked for while reading a document, as schema paths (hosts.&lt;name&gt;.via). It
 * lets a test prove that the annotated example documents every key the loader knows.
 */
public final class SchemaRecord {
    private final Set<String> asked = new TreeSet<>();
    private final Set<String> present = new TreeSet<>();

    void asked(String schemaPath, boolean inDocument) {
        asked.add(schemaPath);
        if (inDocument) {
            present.add(schemaPath);
        }
    }

    public Set<String> asked() {
        return asked;
    }

    public Set<String> present() {
        return present;
    }
}
