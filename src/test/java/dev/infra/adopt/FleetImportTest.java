package dev.infra.adopt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infra.inventory.Inventory;
import dev.infra.inventory.InventoryLoader;
import dev.infra.inventory.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The import as a pure function: canned facts of a fleet in, an inventory (or the reasons it cannot be written) out. */
class FleetImportTest {
    static final String WORKER_FILE = """
            services:
              django: &django
                image: app
                env_file: [./.envs/.production/.django]
                extra_hosts: ["nats:${NATS_IP}"]
              celeryworker_jobs:
                <<: *django
              celeryworker_ml:
                <<: *django
            """;
    static final FleetImport.Ssh SSH = new FleetImport.Ssh(Optional.empty(), Optional.of("/keys/known_hosts"), Optional.empty(),
            Optional.of("ubuntu"), Optional.of("cc"));

    @TempDir
    Path dir;

    static HostFacts.Container app(String service, int n, boolean withEnvFileLabel, List<Integer> ports) {
        Map<String, String> labels = new LinkedHashMap<>(Map.of("com.docker.compose.project", "ami-platform",
                "com.docker.compose.service", service, "com.docker.compose.project.working_dir", "/home/ubuntu/ami-platform",
                "com.docker.compose.project.config_files", "docker-compose.worker.yml"));
        if (withEnvFileLabel) {
            labels.put("com.docker.compose.project.environment_file", "/home/ubuntu/ami-platform/.envs/.production/.compose");
        }
        return new HostFacts.Container("ami-platform_" + service + "_" + n, "app", true, labels, List.of("/start-celeryworker"), ports,
                List.of("nats:10.0.0.5"), List.of());
    }

    static HostFacts worker(String name, int ml, int jobs, boolean natsUrl) {
        List<HostFacts.Container> cs = new ArrayList<>();
        for (int i = 1; i <= ml; i++) {
            cs.add(app("celeryworker_ml", i, false, List.of()));
        }
        for (int i = 1; i <= jobs; i++) {
            cs.add(app("celeryworker_jobs", i, false, List.of()));
        }
        HostFacts.Project p = new HostFacts.Project("/home/ubuntu/ami-platform", true, Set.of("docker-compose.worker.yml"),
                Map.of("docker-compose.worker.yml", WORKER_FILE), Map.of(
                ".envs/.production/.django", new HostFacts.EnvKeys(natsUrl ? List.of("DJANGO_SECRET_KEY", "NATS_URL") : List.of("DJANGO_SECRET_KEY"),
                        natsUrl ? Optional.of("nats://nats:4222") : Optional.empty()),
                ".envs/.production/.compose", new HostFacts.EnvKeys(List.of("NATS_IP", "DATABASE_IP"), Optional.empty())));
        return new HostFacts(name, "/home/ubuntu", cs, Map.of("/home/ubuntu/ami-platform", p), Optional.empty());
    }

    static HostFacts nats(String storeDir, List<HostFacts.Mount> mounts) {
        HostFacts.Container c = new HostFacts.Container("nats", "nats:2.10-alpine", true, Map.of(), List.of("nats-server", "-js", "-m", "8222"),
                List.of(4222, 8222), List.of(), mounts);
        String jsz = "{\"config\":{\"store_dir\":\"" + storeDir + "\",\"max_memory\":268435456,\"max_storage\":1073741824},"
                + "\"account_details\":[{\"stream_detail\":[{\"name\":\"job_7\",\"state\":{\"messages\":12},\"consumer_detail\":"
                + "[{\"name\":\"job-7-consumer\",\"config\":{\"max_deliver\":2,\"ack_wait\":300000000000,\"max_ack_pending\":500}}]}]}]}";
        return new HostFacts("nats-1", "/root", List.of(c), Map.of(), Optional.of(jsz));
    }

    static List<FleetImport.Target> targets(String... names) {
        return Arrays.stream(names).map(n -> new FleetImport.Target(n, Optional.empty(), Optional.of("10.0.0." + n.length()),
                n.equals("cc") ? Optional.empty() : Optional.of("cc"))).toList();
    }

    Inventory load(String text) throws Exception {
        Path f = dir.resolve("imported.yml");
        Files.writeString(f, text);
        return new InventoryLoader(Optional.empty()).load(f);
    }

    @Test
    void twoWorkersRunningDifferentScalesShareOneDeploymentWithAPerHostOverride() throws Exception {
        Map<String, HostFacts> facts = Map.of("nats-1", nats("/data/jetstream", List.of(new HostFacts.Mount(true, "nats_js", "/data"))),
                "worker-1", worker("worker-1", 2, 1, true), "worker-2", worker("worker-2", 8, 0, false));
        FleetImport.Result r = FleetImport.build(targets("cc", "nats-1", "worker-1", "worker-2"), facts, Set.of("cc"), SSH, "test");
        assertThat(r.refusals()).isEmpty();
        Inventory inv = load(r.text());
        assertThat(inv.hostsWith(Role.WORKER)).extracting(h -> h.name()).containsExactly("worker-1", "worker-2");
        var d = inv.deployment(Role.WORKER).orElseThrow();
        assertThat(d.appOwnsCompose()).isTrue();
        assertThat(d.composeEnvFile()).as("the v1 project's --env-file: the file defining what the compose file interpolates")
                .contains(".envs/.production/.compose");
        assertThat(d.services().get("celeryworker_ml").scale()).isEqualTo(2);
        assertThat(d.forHost("worker-2").services().get("celeryworker_ml").scale()).isEqualTo(8);
        assertThat(d.forHost("worker-2").services().get("celeryworker_jobs").scale()).isZero();
        assertThat(d.services().get("django").scale()).isZero();
        assertThat(inv.nats().jetstream().storeDir()).as("a store already on a volume is kept").isEqualTo("/data/jetstream");
        assertThat(inv.nats().jetstream().volume()).isEqualTo("nats_js");
        assertThat(inv.policy().maxAckPending()).isEqualTo(500);
        assertThat(r.text()).contains("MISSING on worker-2").contains("set on worker-1").doesNotContain("DJANGO_SECRET_KEY=");
    }

    @Test
    void jetStreamInTmpIsImportedAsTheVolumeTheRulesRequire() throws Exception {
        FleetImport.Result r = FleetImport.build(targets("cc", "nats-1", "worker-1"),
                Map.of("nats-1", nats("/tmp/nats/jetstream", List.of()), "worker-1", worker("worker-1", 1, 1, true)), Set.of("cc"), SSH, "t");
        Inventory inv = load(r.text());
        assertThat(inv.nats().jetstream().storeDir()).isEqualTo("/data/jetstream");
        assertThat(r.text()).contains("keeps JetStream in /tmp/nats/jetstream").contains("job_7 (12 messages)");
    }

    @Test
    void hostsThatCannotBeDescribedAreRefusedWithTheReason() {
        HostFacts bare = new HostFacts("worker-3", "/root", List.of(), Map.of(), Optional.empty());
        HostFacts elsewhere = worker("worker-2", 1, 1, true);
        HostFacts.Container moved = app("celeryworker_ml", 1, false, List.of());
        Map<String, String> labels = new LinkedHashMap<>(moved.labels());
        labels.put("com.docker.compose.project.working_dir", "/srv/other");
        HostFacts other = new HostFacts("worker-2", "/root", List.of(new HostFacts.Container(moved.name(), "app", true, labels,
                List.of(), List.of(), List.of(), List.of())), Map.of("/srv/other", elsewhere.projects().values().iterator().next()), Optional.empty());
        FleetImport.Result r = FleetImport.build(targets("cc", "nats-1", "worker-1", "worker-2", "worker-3"),
                Map.of("nats-1", nats("/data/js", List.of()), "worker-1", worker("worker-1", 1, 1, true), "worker-2", other, "worker-3", bare),
                Set.of("cc"), SSH, "t");
        assertThat(r.ok()).isFalse();
        assertThat(r.text()).isEmpty();
        assertThat(r.refusals()).anyMatch(x -> x.startsWith("worker-3 runs no compose project and no NATS container (no containers at all)"))
                .anyMatch(x -> x.contains("worker-2 runs the worker from /srv/other/docker-compose.worker.yml but worker-1 from ~/ami-platform"));
    }
}
