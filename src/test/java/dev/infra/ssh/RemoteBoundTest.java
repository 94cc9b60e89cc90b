package dev.infra.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The host-side bound every remote command runs under, checked with a real sh and coreutils timeout. */
class RemoteBoundTest {
    static int run(String script, String stdin) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", script).redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }

    @Test
    void aCommandThatRunsTooLongIsEndedOnTheHostWith124() throws Exception {
        long start = System.nanoTime();
        assertThat(run(Remote.bounded("sleep 30", Duration.ofSeconds(1)), "")).isEqualTo(124);
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(10);
    }

    @Test
    void quotingStdinAndExitCodesPassThrough() throws Exception {
        assertThat(run(Remote.bounded("read x; [ \"$x\" = \"it's \\$HOME\" ] && exit 7", Duration.ofSeconds(10)), "it's $HOME\n")).isEqualTo(7);
    }
}
