package dev.infra.nats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infra.testing.Inventories;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What a SIGHUP takes, as nats-server 2.9.10 answered each change here ("Reloaded server
 * configuration" or "config reload not supported for …"), applied to the nats.conf infra renders.
 */
class NatsConfReloadTest {
    static String conf() {
        Map<String, String> files = Inventories.renderAll(Inventories.shipped("lab-cluster.yml"));
        return files.entrySet().stream().filter(e -> e.getKey().contains("ami-redis-1") && e.getKey().endsWith("nats.conf"))
                .findFirst().orElseThrow().getValue();
    }

    @ParameterizedTest(name = "{0} -> {1}: restart for [{2}]")
    @CsvSource(delimiter = '|', value = {
            "max_connections: 1024 | max_connections: 2048 | ",
            "ping_interval: \"2m\" | ping_interval: \"1m\" | ",
            "debug: false | debug: true | ",
            "max_file_store: 1073741824 | max_file_store: 2147483648 | jetstream.max_file_store",
            "max_memory_store: 268435456 | max_memory_store: 134217728 | jetstream.max_memory_store",
            "store_dir: \"/data/jetstream\" | store_dir: \"/data/js\" | jetstream.store_dir",
            "server_name: \"ami-redis-1\" | server_name: \"ami-redis-9\" | server_name",
            "http_port: 8222 | http_port: 8223 | http_port",
            "lame_duck_duration: \"30s\" | lame_duck_duration: \"40s\" | lame_duck_duration",
            "\"nats-route://172.29.77.12:6222\" | \"nats-route://172.29.77.13:6222\" | ",
    })
    void aChangeReloadsOnlyWhereNatsServerReloadsIt(String from, String to, String restart) {
        String before = conf();
        assertThat(before).contains(from);
        String after = before.replace(from, to);
        assertThat(NatsConfReload.needRestart(before, after)).containsExactlyElementsOf(restart == null ? List.of() : List.of(restart));
    }

    @Test
    void formingAClusterNeedsARestart() {
        String clustered = conf();
        String single = clustered.substring(0, clustered.indexOf("# Lame duck"));
        assertThat(NatsConfReload.needRestart(single, clustered)).contains("cluster", "cluster.name", "lame_duck_duration");
        assertThat(NatsConfReload.needRestart(clustered, clustered)).isEmpty();
    }

    @Test
    void textThisReaderDoesNotFollowIsARestartNotAGuess() {
        String before = conf();
        assertThat(NatsConfReload.needRestart(before, before + "\nsomething odd\n")).isNotEmpty();
        assertThat(NatsConfReload.needRestart(before, before.replace("max_connections: 1024", "max_connections: 1024 # more later")))
                .as("a comment is not a change").isEmpty();
    }
}
