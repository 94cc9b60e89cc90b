package dev.infra.nats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.infra.units.Durations;
import dev.infra.units.LocalFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The streams a `nats prune` dry run showed, with the criteria it used: what a confirmation was
 * given for. `nats prune --from` deletes from this list only, so nothing that became stale after
 * the operator looked is deleted unseen.
 */
public record PruneList(Optional<Duration> olderThan, boolean includePending, List<String> streams) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_BYTES = 16L << 20;

    public static void write(Path file, PruneList list) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("older_than", list.olderThan().map(Durations::format).orElse(""));
        root.put("include_pending", list.includePending());
        list.streams().forEach(root.putArray("streams")::add);
        LocalFiles.writeAtomically(file.toAbsolutePath(), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
    }

    /** The list in {@code file}; IllegalArgumentException with a plain reason when it is not one. */
    public static PruneList read(Path file) throws IOException {
        if (!Files.isRegularFile(file) || Files.size(file) > MAX_BYTES) {
            throw new IllegalArgumentException(file + " is not a list saved by `infra nats prune --save`");
        }
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + " is not a list saved by `infra nats prune --save` (not JSON)");
        }
        if (root == null || !root.path("streams").isArray()) {
            throw new IllegalArgumentException(file + " is not a list saved by `infra nats prune --save` (no streams)");
        }
        List<String> streams = new ArrayList<>();
        root.path("streams").forEach(n -> streams.add(n.asText()));
        String older = root.path("older_than").asText("");
        return new PruneList(older.isEmpty() ? Optional.empty() : Optional.of(Durations.parse(older)),
                root.path("include_pending").asBoolean(false), List.copyOf(streams));
    }
}
