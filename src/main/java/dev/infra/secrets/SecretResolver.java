package dev.infra.secrets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Turns references into values, from the process environment and from files. File paths are
 * relative to the inventory's directory, {@code ~/} to the user's home; one trailing newline is
 * dropped because that is how `echo token > file` writes it.
 */
public final class SecretResolver {
    private final Map<String, String> env;
    private final Path baseDir;
    private final Path home;

    public SecretResolver(Map<String, String> env, Path baseDir, Path home) {
        this.env = Map.copyOf(env);
        this.baseDir = baseDir;
        this.home = home;
    }

    public static SecretResolver fromProcess(Path baseDir) {
        return new SecretResolver(System.getenv(), baseDir, Path.of(System.getProperty("user.home")));
    }

    /** The value, or empty with nothing revealed about why beyond what {@link #problem} says. */
    public Optional<String> resolve(SecretRef ref) {
        return switch (ref.scheme()) {
            case "env" -> Optional.ofNullable(env.get(ref.name()));
            case "file" -> readFile(ref.name());
            default -> Optional.empty();
        };
    }

    /** Why a reference cannot be resolved, phrased as what to do; empty when it resolves. */
    public Optional<String> problem(SecretRef ref) {
        if (resolve(ref).isPresent()) {
            return Optional.empty();
        }
        return Optional.of(switch (ref.scheme()) {
            case "env" -> "export " + ref.name() + " before running infra (the environment variable is not set)";
            case "file" -> "create " + path(ref.name()) + " holding the secret (the file cannot be read)";
            default -> "use ${env:NAME} or ${file:PATH}";
        });
    }

    private Optional<String> readFile(String name) {
        try {
            String value = Files.readString(path(name), StandardCharsets.UTF_8);
            return Optional.of(value.endsWith("\n") ? value.substring(0, value.length() - 1) : value);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private Path path(String name) {
        if (name.startsWith("~/")) {
            return home.resolve(name.substring(2));
        }
        return baseDir.resolve(name);
    }
}
