package dev.infra.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.infra.apply.Batches;
import dev.infra.inventory.Host;
import dev.infra.inventory.Inventory;
import dev.infra.testing.Inventories;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostSelectorTest {
    final Inventory ami = Inventories.shipped("ami.yml");

    List<String> select(String limit) {
        return HostSelector.select(ami, limit).stream().map(Host::name).toList();
    }

    @Test
    void namesRolesAndGlobsCombine() {
        assertThat(select(null)).containsExactly("ami-cc", "ami-redis-1", "ami-live", "ami-worker-2");
        assertThat(select("worker")).containsExactly("ami-worker-2");
        assertThat(select("ami-live,nats")).containsExactly("ami-redis-1", "ami-live");
        assertThat(select("ami-w*")).containsExactly("ami-worker-2");
    }

    @Test
    void aTypoIsAnErrorWithASuggestion() {
        assertThatThrownBy(() -> select("ami-wroker-2")).hasMessageContaining("Did you mean 'ami-worker-2'?");
    }

    @Test
    void batchesSplitByCountOrPercentage() {
        List<Integer> hosts = List.of(1, 2, 3, 4, 5);
        assertThat(Batches.split(hosts, null)).containsExactly(hosts);
        assertThat(Batches.split(hosts, "2")).containsExactly(List.of(1, 2), List.of(3, 4), List.of(5));
        assertThat(Batches.split(hosts, "40%")).containsExactly(List.of(1, 2), List.of(3, 4), List.of(5));
        assertThat(Batches.split(hosts, "1%")).hasSize(5);
        assertThatThrownBy(() -> Batches.split(hosts, "0")).hasMessageContaining("--batch");
        assertThatThrownBy(() -> Batches.split(hosts, "half")).hasMessageContaining("--batch");
    }
}
