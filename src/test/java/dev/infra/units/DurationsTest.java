package dev.infra.units;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
    @Test
    void aPauseWaitsAndAnInterruptEndsItEarlyAndStaysSet() {
        long start = System.nanoTime();
        Durations.pause(Duration.ofMillis(50));
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(50);

        Thread.currentThread().interrupt();
        start = System.nanoTime();
        Durations.pause(Duration.ofSeconds(30));
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(1000);
        assertThat(Thread.interrupted()).as("the caller still sees the interrupt").isTrue();
    }

    @Test
    void operatorsDurationsParse() {
        assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    }
}
