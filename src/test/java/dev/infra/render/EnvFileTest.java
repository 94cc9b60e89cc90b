package dev.infra.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class EnvFileTest {
    static Map<String, String> managed(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void aMissingKeyIsAppendedAndEverythingElseIsKept() {
        String before = "# app team\nDJANGO_SECRET_KEY=x\n\nDATABASE_URL=postgres://db/a\n";
        assertThat(EnvFile.merge(Optional.of(before), managed("NATS_URL", "nats://nats:4222")))
                .isEqualTo(before + "NATS_URL=nats://nats:4222\n");
    }

    @Test
    void aFileWithoutAFinalNewlineGetsOneOnlyBeforeTheAppendedKey() {
        assertThat(EnvFile.merge(Optional.of("A=1"), managed("NATS_URL", "n"))).isEqualTo("A=1\nNATS_URL=n\n");
        assertThat(EnvFile.merge(Optional.of("A=1\nNATS_URL=old"), managed("NATS_URL", "n"))).isEqualTo("A=1\nNATS_URL=n");
    }

    @Test
    void everyLineAssigningAManagedKeyIsRewrittenInPlaceSoNoStaleDuplicateWins() {
        String before = "NATS_URL=nats://localhost:4222\nA=1\nNATS_URL=nats://old:4222\n";
        assertThat(EnvFile.merge(Optional.of(before), managed("NATS_URL", "nats://nats:4222")))
                .isEqualTo("NATS_URL=nats://nats:4222\nA=1\nNATS_URL=nats://nats:4222\n");
    }

    @Test
    void crlfLinesKeepTheirCarriageReturn() {
        assertThat(EnvFile.merge(Optional.of("A=1\r\nNATS_URL=x\r\n"), managed("NATS_URL", "y"))).isEqualTo("A=1\r\nNATS_URL=y\r\n");
    }

    @Test
    void commentedOutKeysAreNotTouched() {
        assertThat(EnvFile.merge(Optional.of("# NATS_URL=nats://old:4222\n"), managed("NATS_URL", "n")))
                .isEqualTo("# NATS_URL=nats://old:4222\nNATS_URL=n\n");
    }

    @Test
    void anAbsentFileHoldsOnlyTheManagedKeys() {
        assertThat(EnvFile.merge(Optional.empty(), managed("NATS_URL", "n", "B", "2"))).isEqualTo("NATS_URL=n\nB=2\n");
        assertThat(EnvFile.merge(Optional.of(""), managed("NATS_URL", "n"))).isEqualTo("NATS_URL=n\n");
    }

    @Test
    void mergingIsIdempotent() {
        String once = EnvFile.merge(Optional.of("A=1\nNATS_URL=x"), managed("NATS_URL", "n", "B", "2"));
        assertThat(EnvFile.merge(Optional.of(once), managed("NATS_URL", "n", "B", "2"))).isEqualTo(once);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "A=1|A|1", "A=1\\nA=2|A|2", "  A = x|A|' x'", "A=a=b|A|a=b", "# A=1|A|", "A=|A|"})
    void valuesAreWhatComposeWouldRead(String text, String key, String value) {
        Map<String, String> values = EnvFile.values(text.replace("\\n", "\n"));
        assertThat(values.get(key)).isEqualTo(value == null ? (text.startsWith("#") ? null : "") : value);
    }
}
