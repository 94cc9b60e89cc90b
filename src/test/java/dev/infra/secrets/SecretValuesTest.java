package dev.infra.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a saved plan keeps of the secrets: enough to notice a change, nothing to read a value from. */
class SecretValuesTest {
    @Test
    void theDigestChangesWithAValueAndNeverShowsIt() {
        SecretValues before = new SecretValues(Map.of("${env:NATS_TOKEN}", "s3cr3t-token-1"));
        SecretValues after = new SecretValues(Map.of("${env:NATS_TOKEN}", "s3cr3t-token-2"));
        assertThat(before.digest("k")).isEqualTo(new SecretValues(Map.of("${env:NATS_TOKEN}", "s3cr3t-token-1")).digest("k"))
                .isNotEqualTo(after.digest("k")).isNotEqualTo(before.digest("other-key")).doesNotContain("s3cr3t").hasSize(64);
        assertThat(SecretValues.none().digest("k")).hasSize(64);
    }
}
