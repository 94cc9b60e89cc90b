package dev.infra.nats;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.infra.fleet.Fleet;
import dev.infra.inventory.Inventory;
import dev.infra.inventory.InventoryLoader;
import dev.infra.render.NatsEndpoint;
import dev.infra.secrets.SecretResolver;
import dev.infra.testing.Cli;
import dev.infra.testing.Inventories;
import dev.infra.testing.LabExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A desired state with three NATS endpoints (a cluster's servers; only the lab's one answers): the
 * probe and verify address each of them from the worker, and say which do not answer.
 */
class NatsEndpointsLabTest {
    @RegisterExtension
    static LabExtension lab = new LabExtension();

    /** lab.yml plus two NATS servers at addresses of the lab network where nothing listens. */
    static Path threeServers() throws Exception {
        String prefix = lab.natsIp().substring(0, lab.natsIp().lastIndexOf('.'));
        Path file = lab.dir().resolve("lab-3-nats.yml");
        Files.writeString(file, Files.readString(Path.of(Cli.inventory("lab.yml"))).replace("  ami-live:\n",
                "  ami-nats-2:\n    address: ami-nats-2\n    private_address: " + prefix + ".11\n    roles: [nats]\n"
                        + "  ami-nats-3:\n    address: ami-nats-3\n    private_address: " + prefix + ".12\n    roles: [nats]\n"
                        + "  ami-live:\n"));
        return file;
    }

    @Test
    void theProbeAndVerifyAddressEveryDeclaredNatsServer() throws Exception {
        lab.converge();
        Path file = threeServers();
        String prefix = lab.natsIp().substring(0, lab.natsIp().lastIndexOf('.'));
        Map<String, String> vars = new LinkedHashMap<>();
        List<String> args = List.of(lab.varArgs());
        for (int i = 0; i + 1 < args.size(); i += 2) {
            String[] kv = args.get(i + 1).split("=", 2);
            vars.put(kv[0], kv[1]);
        }
        Inventory inv = new InventoryLoader(Optional.empty(), vars).load(file);
        try (Fleet f = new Fleet(inv, Inventories.renderer(), new SecretResolver(Map.of(), file.getParent(), Path.of("/nonexistent")), 2)) {
            List<NatsEndpoint> endpoints = f.desired("ami-worker-2").duties().natsReach();
            assertThat(endpoints).extracting(NatsEndpoint::target)
                    .containsExactly(lab.natsIp() + ":4222", prefix + ".11:4222", prefix + ".12:4222");
            NatsProbe.Reach reach = NatsProbe.check(f.remote(inv.hosts().get("ami-worker-2")), endpoints, inv.nats().auth(),
                    f.secrets(), Duration.ofSeconds(5));
            assertThat(reach.results()).hasSize(3);
            assertThat(reach.results().get(0).problem()).as("the lab's NATS answers").isEmpty();
            assertThat(reach.failed()).extracting(r -> r.endpoint().host()).containsExactly("ami-nats-2", "ami-nats-3");
            assertThat(reach.none()).isFalse();
            assertThat(reach.blocking()).as("one server answering is enough for the worker to work").isEmpty();
        }

        Cli.Result verify = lab.infraOn(file, "verify", "--limit", "ami-worker-2", "--format", "json");
        JsonNode reachCheck = null;
        for (JsonNode c : new ObjectMapper().readTree(verify.out()).path("checks")) {
            if (c.path("id").asText().equals("reach")) {
                reachCheck = c;
            }
        }
        assertThat(reachCheck).as(verify.all()).isNotNull();
        assertThat(reachCheck.path("status").asText()).isEqualTo("WARN");
        assertThat(reachCheck.path("message").asText()).startsWith("1 of 3 NATS servers answer")
                .contains(prefix + ".11:4222").contains(prefix + ".12:4222");
        assertThat(reachCheck.path("fix").asText()).contains("ami-nats-2").contains("ami-nats-3");
    }
}
