package dev.infra.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infra.secrets.SecretResolver;
import dev.infra.testing.Cli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * inventory/example.yml is the format's reference. The loader's reads are the schema; this test
 * makes the two one source of truth: the example is valid, and every key the loader understands
 * appears in it — as a value, or (for alternatives that cannot coexist) as a commented line.
 */
class ExampleIsTheReferenceTest {
    static final Path EXAMPLE = Path.of(Cli.inventory("example.yml"));

    static InventoryLoader.ReadResult read() {
        SecretResolver secrets = new SecretResolver(Map.of("NATS_TOKEN", "example-token-value", "ANTENNA_TOKEN", "example-antenna-token"),
                EXAMPLE.getParent(), Path.of("/nonexistent"));
        return new InventoryLoader(Optional.of(secrets)).read(EXAMPLE);
    }

    @Test
    void theExampleIsAValidInventory() {
        InventoryLoader.ReadResult result = read();
        assertThat(result.diagnostics().sorted()).isEmpty();
    }

    @Test
    void theExampleDocumentsEveryKeyTheLoaderReads() throws IOException {
        InventoryLoader.ReadResult result = read();
        String text = Files.readString(EXAMPLE);
        List<String> undocumented = new ArrayList<>();
        // app and worker deployments share one schema; showing a key in either documents it.
        java.util.Set<String> present = new java.util.TreeSet<>();
        result.schema().present().forEach(k -> present.add(sameForBothRoles(k)));
        java.util.Set<String> asked = new java.util.TreeSet<>();
        result.schema().asked().forEach(k -> asked.add(sameForBothRoles(k)));
        for (String key : asked) {
            if (present.contains(key)) {
                continue;
            }
            String leaf = key.substring(key.lastIndexOf('.') + 1);
            if (!text.matches("(?s).*\\n\\s*#\\s*" + java.util.regex.Pattern.quote(leaf) + ":.*")) {
                undocumented.add(key);
            }
        }
        assertThat(undocumented).as("keys the loader reads but example.yml does not show").isEmpty();
        assertThat(result.schema().asked()).contains("hosts.<name>.via", "nats.jetstream.store_dir",
                "deployments.worker.managed_env", "jetstream_policy.max_deliver");
    }

    static String sameForBothRoles(String key) {
        // A service's settings are one schema (ComposeSettings) wherever they appear: defaults, services, per_host.
        return key.replaceFirst("^deployments\\.(app|worker)(\\.|$)", "deployments.<role>$2")
                .replaceFirst("^deployments\\.<role>\\.(defaults|per_host\\.<name>\\.services\\.<name>)\\.", "deployments.<role>.services.<name>.");
    }

    @Test
    void theShippedFleetsAreValid() {
        for (String name : List.of("ami.yml", "lab.yml")) {
            Cli.Result r = Cli.run("-i", Cli.inventory(name), "--templates", Cli.templates(), "validate");
            assertThat(r.exitCode()).as(name + ": " + r.all()).isZero();
            assertThat(r.out()).contains("is valid: 4 hosts (1 bastion, 1 nats, 1 app, 1 worker)");
        }
    }
}
