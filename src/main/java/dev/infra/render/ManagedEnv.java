package dev.infra.render;

import java.util.LinkedHashMap;

/**
 * The keys infra owns inside an env file it does not own: every other line of {@code path} stays
 * as it is on the host. Values may hold secret references.
 */
public record ManagedEnv(String path, LinkedHashMap<String, String> entries, String rendered) {}
