package dev.infra.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infra.inventory.Inventory;
import dev.infra.testing.Cli;
import dev.infra.testing.Inventories;
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
                Map.of("NATS_PASSWORD", "pw"));
        DesiredFleet fleet = Inventories.renderer().renderFleet(inv);
        assertThat(fleet.natsServers()).extracting(NatsServer::host).containsExactly("nats-a", "nats-b", "nats-c");
        assertThat(fleet.natsServers()).allSatisfy(s -> assertThat(s.clusterSize()).isEqualTo(3));
        HostState worker = fleet.host("worker-1");
        assertThat(worker.duties().natsReach()).extracting(NatsEndpoint::target)
                .containsExactly("10.1.0.1:4222", "10.1.0.2:4222", "10.1.0.3:4222");
        assertThat(fleet.host("bastion").duties().natsMonitors()).hasSize(3);
        assertThat(worker.deploymentProjects()).singleElement().satisfies(p ->
                assertThat(p.requiredEnv()).containsOnlyKeys("NATS_URL", "NATS_PASSWORD"));
    }
}
