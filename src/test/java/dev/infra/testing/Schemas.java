package dev.infra.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The JSON schemas infra ships (src/main/resources/schemas/NAME-1.0.schema.json), for validating its outputs. */
public final class Schemas {
    private Schemas() {}

    /** What is wrong with {@code json} against schema {@code name} (empty: valid). */
    public static List<String> problems(String name, String json) {
        try (InputStream in = Schemas.class.getResourceAsStream("/schemas/" + name + "-1.0.schema.json")) {
            if (in == null) {
                throw new AssertionError("no schema " + name + "-1.0.schema.json");
            }
            Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                    .getSchema(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            JsonNode node = new ObjectMapper().readTree(json);
            return schema.validate(node).stream().map(Error::toString).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
