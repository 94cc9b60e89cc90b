package dev.infra.render;

import java.util.Optional;

/**
 * Which values an env file can carry so that what the container gets is exactly what the inventory
 * says, under both compose v1 (python-dotenv) and v2 (compose-go): an unquoted value read the same
 * way by both. Anything either of them would strip, unquote, expand or cut at a comment is refused,
 * because such a value never converges (every apply would see a difference and recreate).
 */
public final class EnvValueRule {
    private EnvValueRule() {}

    /** Why {@code value} cannot be written into an env file as is, if it cannot. */
    public static Optional<String> problem(String value) {
        if (!value.equals(value.strip())) {
            return Optional.of("it starts or ends with spaces, which compose strips");
        }
        for (char c : new char[] {'"', '\'', '`'}) {
            if (value.indexOf(c) >= 0) {
                return Optional.of("it contains the quote " + c + ", which compose v1 and v2 remove or read differently");
            }
        }
        if (value.indexOf('\\') >= 0) {
            return Optional.of("it contains a backslash, which compose may read as an escape");
        }
        if (value.indexOf('$') >= 0) {
            return Optional.of("it contains '$', which compose v2 expands in env files (v1 does not)");
        }
        if (value.matches("(?s).*\\s#.*")) {
            return Optional.of("it contains ' #', where an env file comment starts");
        }
        return Optional.empty();
    }
}
