package dev.infra.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infra.apply.HostCommands;
import dev.infra.inventory.Inventory;
import dev.infra.testing.Cli;
import dev.infra.testing.Inventories;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Roles become duties in one place; everything downstream reads the desired state. */
class DutiesTest {
    @Test
    void theProductionFleetsDutiesAreWhatItsRolesMean() {
        Duties.Fleet fleet = Duties.assign(Inventories.shipped("ami.yml"));
        Duties cc = fleet.of("ami-cc");
        assertThat(cc.jumpHost()).isTrue();
        assertThat(cc.holdsFleetLock()).isTrue();
        assertThat(cc.natsMonitors()).extracting(NatsEndpoint::host).containsExactly("ami-redis-1");
        assertThat(cc.runsDeployment()).isFalse();
        assertThat(fleet.lockHost()).isEqualTo("ami-cc");

        Duties redis = fleet.of("ami-redis-1");
        assertThat(redis.natsServer()).hasValueSatisfying(s -> {
            assertThat(s.storeDir()).isEqualTo("/data/jetstream");
            assertThat(s.clusterSize()).isEqualTo(1);
            assertThat(s.client().target()).isEqualTo(s.address() + ":4222");
        });
        assertThat(redis.natsReach()).as("NATS itself runs no app containers").isEmpty();

        Duties worker = fleet.of("ami-worker-2");
        assertThat(worker.deployments()).extracting(d -> d.composeFile()).containsExactly("docker-compose.worker.yml");
        assertThat(worker.natsReach()).extracting(NatsEndpoint::host).containsExactly("ami-redis-1");
        assertThat(fleet.of("ami-live").processingChecks()).extracting(e -> e.name()).containsExactly("zero-shot-detector");
        assertThat(worker.processingChecks()).isEmpty();
    }

    @Test
    void aThreeServerClusterIsThreeEndpointsForEveryWorkerAndThreeServersThatKnowTheirSize() {
        Inventory inv = Inventories.load(Path.of(Cli.repo().resolve("src/test/resources/inventories/cluster.yml").toString()),
                Map.of("NATS_PASSWORD", "cluster-pw"));
        DesiredFleet fleet = Inventories.renderer().renderFleet(inv);
        assertThat(fleet.natsServers()).extracting(NatsServer::host).containsExactly("nats-a", "nats-b", "nats-c");
        assertThat(fleet.natsServers()).allSatisfy(s -> assertThat(s.clusterSize()).isEqualTo(3));
        HostState worker = fleet.host("worker-1");
        assertThat(worker.duties().natsReach()).extracting(NatsEndpoint::target)
                .containsExactly("10.1.0.1:4222", "10.1.0.2:4222", "10.1.0.3:4222");
        assertThat(fleet.host("bastion").duties().natsMonitors()).hasSize(3);
        assertThat(worker.deploymentProjects()).singleElement().satisfies(p ->
                assertThat(p.requiredEnv()).containsOnlyKeys("NATS_URL", "NATS_PASSWORD"));
        String compose = worker.files().stream().filter(f -> f.path().endsWith(".yml")).findFirst().orElseThrow().content();
        assertThat(compose).as("NATS_URL can list every server by name")
                .contains("\"nats:10.1.0.1\"", "\"nats-1:10.1.0.1\"", "\"nats-2:10.1.0.2\"", "\"nats-3:10.1.0.3\"");
    }

    @Test
    void anAppOwnedComposeFileIsNeverRenderedButItsEnvKeysAndEnvFileAreManaged() throws Exception {
        String ami = Files.readString(Path.of(Cli.inventory("ami.yml")));
        Path file = Files.createTempDirectory("app-owned").resolve("inv.yml");
        Files.writeString(file, ami.replace("    compose_file: docker-compose.worker.yml\n",
                "    compose_file: docker-compose.worker.yml\n    compose_owner: app\n    compose_env_file: .envs/.production/.compose\n")
                .replaceAll("(?m)\\n        command: (/start|celery -A config.celery_app worker --queues=[a-z_]+ -l INFO)$", ""));
        Inventory inv = Inventories.load(file, Map.of("NATS_TOKEN", "token-t"));
        HostState worker = Inventories.renderer().renderFleet(inv).host("ami-worker-2");
        assertThat(worker.files()).as("the app's compose file is not infra's to write").isEmpty();
        assertThat(worker.env()).singleElement().satisfies(e -> assertThat(e.entries()).containsKey("NATS_URL"));
        assertThat(worker.deploymentProjects()).singleElement().satisfies(p -> {
            assertThat(p.appOwned()).isTrue();
            assertThat(p.composeEnvFile()).contains(".envs/.production/.compose");
            assertThat(HostCommands.compose("v1", p)).endsWith("-f docker-compose.worker.yml --env-file .envs/.production/.compose");
        });
    }
}
