package dev.infra.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The one /tmp rule: `validate` judges the declared store_dir with it, verify the live server's. */
class StoreDirRuleTest {
    @Test
    void temporaryDirectoriesAndWhatIsBelowThemAreRefused() {
        for (String dir : new String[] {"/tmp", "/tmp/nats/jetstream", "/var/tmp/js", "/dev/shm/js", "/run/nats", "/var/run/nats"}) {
            assertThat(StoreDirRule.problem(dir)).as(dir).hasValueSatisfying(p -> assertThat(p).contains(dir).contains("lost when"));
        }
    }

    @Test
    void persistentDirectoriesPassAndLookalikesAreNotTemporary() {
        assertThat(StoreDirRule.problem("/data/jetstream")).isEmpty();
        assertThat(StoreDirRule.problem("/data/jetstream/jetstream")).isEmpty();
        assertThat(StoreDirRule.problem("/tmpfs-is-not-tmp/js")).isEmpty();
        assertThat(StoreDirRule.problem("/running/js")).isEmpty();
    }

    @Test
    void aRelativePathIsRefused() {
        assertThat(StoreDirRule.problem("data/js")).hasValueSatisfying(p -> assertThat(p).contains("absolute path"));
    }
}
