package dev.infra.secrets;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hides what looks like a secret in text infra shows but does not own (a host's files in a diff):
 * the value of a secret-looking key (…PASSWORD, …SECRET, …TOKEN, …_KEY, …CREDENTIALS) in YAML, env or
 * conf form, and the password of a URL's user info. Masking by value knows only the inventory's own
 * secrets; this covers the hosts' secrets infra never saw.
 */
public final class Redaction {
    /** Keys whose values are secrets: one rule for validate (literal values refused) and for output. */
    public static final Pattern SECRET_LOOKING_KEY = Pattern.compile("(?i).*(PASSWORD|PASSWD|SECRET|TOKEN|_KEY|CREDENTIALS?)");
    public static final String HIDDEN = "(sensitive)";
    private static final Pattern ASSIGNMENT = Pattern.compile("^(\\s*(?:-\\s*)?[\"']?)([A-Za-z_][A-Za-z0-9_.-]*)([\"']?\\s*[:=]\\s*)(\\S.*)$");
    private static final Pattern URL_PASSWORD = Pattern.compile("(://[^:/@\\s]*:)([^@\\s]+)(@)");

    private Redaction() {}

    /** The line with secret-looking values replaced by {@link #HIDDEN}. */
    public static String line(String line) {
        String out = URL_PASSWORD.matcher(line).replaceAll("$1" + Matcher.quoteReplacement(HIDDEN) + "$3");
        Matcher m = ASSIGNMENT.matcher(out);
        if (m.matches() && SECRET_LOOKING_KEY.matcher(m.group(2)).matches() && !m.group(4).startsWith("${")) {
            return m.group(1) + m.group(2) + m.group(3) + HIDDEN;
        }
        return out;
    }

    /** Every content line of a unified diff (not its ---/+++/@@ headers) through {@link #line}. */
    public static String diff(String diff) {
        StringBuilder out = new StringBuilder();
        for (String l : diff.split("\n", -1)) {
            boolean header = l.startsWith("---") || l.startsWith("+++") || l.startsWith("@@") || l.startsWith("\\");
            out.append(header || l.isEmpty() ? l : l.charAt(0) + line(l.substring(1))).append('\n');
        }
        return out.substring(0, out.length() - 1);
    }
}
