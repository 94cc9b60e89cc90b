package dev.infra.nats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * What a NATS server's monitoring port says about JetStream: the answer of
 * {@code /healthz?js-enabled-only=true} and the parts of {@code /jsz} infra judges. Plain data, parsed
 * from the bodies the server sent (so the judgement is tested on canned answers).
 *
 * @param enabled JetStream is on: /jsz has a config and does not say disabled (nats-server 2.9's
 *                /healthz alone says ok without JetStream)
 */
public record JetStreamReport(int healthzStatus, String healthzBody, boolean enabled, String storeDir,
                              long maxMemory, long maxStorage, long memory, long storage) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static JetStreamReport parse(int healthzStatus, String healthzBody, int jszStatus, String jszBody) throws IOException {
        JsonNode jsz = jszStatus == 200 ? JSON.readTree(jszBody) : JSON.createObjectNode();
        JsonNode config = jsz.path("config");
        boolean enabled = jszStatus == 200 && !jsz.path("disabled").asBoolean(false) && !config.isMissingNode();
        return new JetStreamReport(healthzStatus, healthzBody.strip(), enabled, config.path("store_dir").asText(""),
                config.path("max_memory").asLong(), config.path("max_storage").asLong(),
                jsz.path("memory").asLong(), jsz.path("storage").asLong());
    }

    /** The server answers and JetStream is on: what apply's gate waits for. */
    public boolean serving() {
        return healthzStatus == 200 && enabled;
    }
}
