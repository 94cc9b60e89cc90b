package dev.infra.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infra.inventory.Deployment;
import dev.infra.inventory.Inventory;
import dev.infra.inventory.Role;
import dev.infra.testing.Inventories;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The properties the seed incidents are about, read back from what was rendered. */
class RenderedStateTest {
    final Inventory ami = Inventories.shipped("ami.yml");
    final Map<String, HostState> states = Inventories.renderer().render(ami);

    @SuppressWarnings("unchecked")
    static Map<String, Object> yaml(String text) {
        return (Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
    }

    @Test
    @SuppressWarnings("unchecked")
    void natsKeepsJetStreamOnTheNamedVolumeWithTheDeclaredLimits() {
        HostState nats = states.get("ami-redis-1");
        DesiredFile compose = nats.files().stream().filter(f -> f.path().endsWith("docker-compose.yml")).findFirst().orElseThrow();
        DesiredFile conf = nats.files().stream().filter(f -> f.path().endsWith("nats.conf")).findFirst().orElseThrow();
        Map<String, Object> doc = yaml(compose.content());
        Map<String, Object> service = (Map<String, Object>) ((Map<String, Object>) doc.get("services")).get("nats");
        assertThat((List<String>) service.get("volumes")).contains("nats-data:/data/jetstream");
        assertThat((Map<String, Object>) doc.get("volumes")).containsKey("nats-data");
        assertThat(compose.content()).doesNotContain("/tmp");
        assertThat(conf.content())
                .contains("store_dir: \"/data/jetstream\"")
                .contains("max_memory_store: " + (1L << 30))
                .contains("max_file_store: " + (20L << 30))
                .doesNotContain("/tmp/");
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyAppAndWorkerServiceGetsNatsUrlAndTheNatsAlias() {
        for (Role role : List.of(Role.APP, Role.WORKER)) {
            Deployment d = ami.deployment(role).orElseThrow();
            for (var host : ami.hostsWith(role)) {
                HostState state = states.get(host.name());
                assertThat(state.env()).singleElement().satisfies(env -> {
                    assertThat(env.path()).isEqualTo("~/ami-platform/.envs/.production/.django");
                    assertThat(env.entries()).containsEntry("NATS_URL", "nats://nats:4222");
                });
                DesiredFile compose = state.files().get(0);
                Map<String, Object> services = (Map<String, Object>) yaml(compose.content()).get("services");
                assertThat(services.keySet()).containsExactlyElementsOf(d.services().keySet());
                for (Object s : services.values()) {
                    Map<String, Object> service = (Map<String, Object>) s;
                    assertThat((List<String>) service.get("extra_hosts")).contains("nats:192.168.123.176");
                    assertThat((List<String>) service.get("env_file")).contains("./.envs/.production/.django");
                }
            }
        }
    }

    @Test
    void theBastionGetsNothing() {
        assertThat(states.get("ami-cc").files()).isEmpty();
        assertThat(states.get("ami-cc").env()).isEmpty();
    }

    @Test
    @SuppressWarnings("unchecked")
    void sharedSettingsReachEveryServiceAndOneHostRunsItsOwnScale() {
        Inventory example = Inventories.shipped("example.yml");
        Map<String, HostState> rendered = Inventories.renderer().render(example);
        Map<String, Object> app = (Map<String, Object>) yaml(rendered.get("app-1").files().get(0).content()).get("services");
        Map<String, Object> worker = (Map<String, Object>) app.get("celeryworker");
        // The app's `<<: *django`: defaults reach every service; the service's own queue and keys stay its own.
        assertThat((List<String>) worker.get("volumes")).containsExactly("./config:/app/config:ro");
        assertThat((Map<String, Object>) worker.get("build")).containsEntry("dockerfile", "./compose/production/django/Dockerfile");
        assertThat((Map<String, Object>) worker.get("environment")).containsEntry("CELERY_QUEUES", "antenna");
        assertThat(worker).containsEntry("stop_grace_period", "2m").containsEntry("restart", "unless-stopped").doesNotContainKey("image");
        assertThat((Map<String, Object>) app.get("django")).doesNotContainKey("environment").containsKey("healthcheck");

        Map<String, Object> gpu = (Map<String, Object>) yaml(rendered.get("worker-gpu").files().get(0).content()).get("services");
        Map<String, Object> plain = (Map<String, Object>) yaml(rendered.get("worker-1").files().get(0).content()).get("services");
        assertThat((Map<String, Object>) gpu.get("celeryworker_ml")).containsEntry("scale", 8);
        assertThat((Map<String, Object>) gpu.get("celeryworker_jobs")).containsEntry("scale", 0);
        assertThat((Map<String, Object>) plain.get("celeryworker_ml")).containsEntry("scale", 4);
        assertThat((Map<String, Object>) plain.get("celeryworker_jobs")).doesNotContainKey("scale");
        // What the health gate and verify expect follows the host's own scale.
        assertThat(rendered.get("worker-gpu").projects().get(0).running()).extracting(ComposeProject.Service::name)
                .containsExactly("celeryworker_ml");
    }
}
