package dev.infra.units;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The one digest: it must agree with the `sha256sum` the hosts run in the write guard. */
class HashingTest {
    @Test
    void hexMatchesTheKnownVectorAndTheHostsSha256sum() throws Exception {
        assertThat(Hashing.sha256Hex("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        String text = "NATS_URL=nats://nats:4222\nDJANGO_SECRET_KEY=é\n";
        Process p = new ProcessBuilder("sh", "-c", "sha256sum | cut -d' ' -f1").start();
        p.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(p.getInputStream().readAllBytes()).strip()).isEqualTo(Hashing.sha256Hex(text));
    }

    @Test
    void partsAreSeparatedSoThatShiftingABoundaryChangesTheHash() {
        assertThat(new Hashing.Sha256().add("ab").add("c").hex()).isNotEqualTo(new Hashing.Sha256().add("a").add("bc").hex());
        assertThat(new Hashing.Sha256().add("a").add("bc").hex()).isEqualTo(new Hashing.Sha256().add("a").add("bc").hex());
    }
}
