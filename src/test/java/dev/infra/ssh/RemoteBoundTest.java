package dev.infra.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infra.testing.LocalSh;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The host-side bound every remote command runs under, checked with a real sh and coreutils timeout. */
class RemoteBoundTest {
    static int run(String script, String stdin) {
        return LocalSh.run(script, stdin, Map.of()).exitCode();
    }

    @Test
    void aCommandThatRunsTooLongIsEndedOnTheHostWith124() {
        long start = System.nanoTime();
        assertThat(run(Remote.bounded("sleep 30", Duration.ofSeconds(1)), "")).isEqualTo(124);
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(10);
    }

    @Test
    void quotingStdinAndExitCodesPassThrough() {
        assertThat(run(Remote.bounded("read x; [ \"$x\" = \"it's \\$HOME\" ] && exit 7", Duration.ofSeconds(10)), "it's $HOME\n")).isEqualTo(7);
    }
}
