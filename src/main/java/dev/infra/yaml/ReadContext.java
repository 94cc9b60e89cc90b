package dev.infra.yaml;

import dev.infra.diag.Diagnostics;
import dev.infra.secrets.SecretRef;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.nodes.ScalarNode;

/** Shared state of one document read: where errors go, where values came from, the variables. */
public final class ReadContext {
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([^}]*)}");

    final Path file;
    final Diagnostics diags;
    final SourceMap sourceMap;
    final SchemaRecord schema = new SchemaRecord();
    private Map<String, String> variables = Map.of();

    public ReadContext(Path file, Diagnostics diags) {
        this.file = file;
        this.diags = diags;
        this.sourceMap = new SourceMap(file);
    }

    public Path file() {
        return file;
    }

    public Diagnostics diagnostics() {
        return diags;
    }

    /** Which schema keys were read, and which of them the document spelled out. */
    public SchemaRecord schema() {
        return schema;
    }

    public SourceMap sourceMap() {
        return sourceMap;
    }

    public void setVariables(Map<String, String> variables) {
        this.variables = Map.copyOf(variables);
    }

    public void error(Loc loc, String message, String fix) {
        diags.error(file, loc.line(), loc.column(), message, fix);
    }

    /**
     * Expands ${var:NAME}; keeps ${env:…}/${file:…} as references (resolved only when a value is
     * written to a host) where the field allows them; reports anything else. Returns null when the
     * value is unusable.
     */
    String interpolate(ScalarNode node, String path, TextKind kind) {
        String raw = node.getValue();
        Matcher m = REFERENCE.matcher(raw);
        StringBuilder out = new StringBuilder();
        boolean ok = true;
        int secrets = 0;
        while (m.find()) {
            String body = m.group(1);
            Loc loc = inside(node, m.start());
            int colon = body.indexOf(':');
            String scheme = colon < 0 ? "" : body.substring(0, colon);
            String name = colon < 0 ? body : body.substring(colon + 1);
            switch (scheme) {
                case "var" -> {
                    String value = variables.get(name);
                    if (value == null) {
                        error(loc, "unknown variable '" + name + "' in " + path + "."
                                + Suggest.didYouMean(name, variables.keySet()),
                                "define it under `variables:` or fix the name");
                        ok = false;
                        m.appendReplacement(out, "");
                    } else {
                        m.appendReplacement(out, Matcher.quoteReplacement(value));
                    }
                }
                case "env", "file" -> {
                    if (kind == TextKind.PLAIN) {
                        error(loc, path + " cannot hold a secret reference",
                                "secrets belong only in secret fields (nats.auth) and managed env values");
                        ok = false;
                    } else if (name.isBlank() || (scheme.equals("env") && !SecretRef.ENV_NAME.matcher(name).matches())) {
                        error(loc, "'${" + body + "}' is not a valid " + scheme + " reference",
                                scheme.equals("env") ? "name an environment variable: ${env:NATS_TOKEN}"
                                        : "name a file: ${file:~/.config/infra/nats-token}");
                        ok = false;
                    }
                    secrets++;
                    m.appendReplacement(out, Matcher.quoteReplacement(m.group()));
                }
                default -> {
                    error(loc, "unknown reference '${" + body + "}' in " + path,
                            "use ${var:NAME} for a variable, ${env:NAME} or ${file:PATH} for a secret");
                    ok = false;
                    m.appendReplacement(out, "");
                }
            }
        }
        m.appendTail(out);
        String value = out.toString();
        String outsideReferences = REFERENCE.matcher(raw).replaceAll("");
        if (ok && outsideReferences.contains("${")) {
            error(inside(node, raw.indexOf("${", raw.lastIndexOf('}') + 1)), "unterminated reference in " + path,
                    "close it with '}'");
            ok = false;
        }
        if (ok && kind == TextKind.SECRET && !(secrets == 1 && REFERENCE.matcher(raw).matches()
                && !raw.startsWith("${var:"))) {
            error(Loc.of(node), path + " is a secret: write a reference, never the value itself",
                    "put the value in an environment variable or a file and write ${env:NAME} or ${file:PATH}");
            ok = false;
        }
        return ok ? value : null;
    }

    /** Best-effort position of a character inside a single-line scalar. */
    private static Loc inside(ScalarNode node, int offset) {
        Loc start = Loc.of(node);
        boolean quoted = node.getScalarStyle() == DumperOptions.ScalarStyle.DOUBLE_QUOTED
                || node.getScalarStyle() == DumperOptions.ScalarStyle.SINGLE_QUOTED;
        boolean singleLine = node.getStartMark().getLine() == node.getEndMark().getLine();
        return singleLine ? new Loc(start.line(), start.column() + offset + (quoted ? 1 : 0)) : start;
    }
}
