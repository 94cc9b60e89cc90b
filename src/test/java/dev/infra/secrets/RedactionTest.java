package dev.infra.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The hosts' own secrets never reach plan or drift output, whatever file they sit in. */
class RedactionTest {
    @Test
    void secretLookingKeysInYamlEnvAndConfFormLoseTheirValues() {
        assertThat(Redaction.line("      POSTGRES_PASSWORD: pg-s3cr3t")).isEqualTo("      POSTGRES_PASSWORD: (sensitive)");
        assertThat(Redaction.line("  - DJANGO_SECRET_KEY=abc=def")).isEqualTo("  - DJANGO_SECRET_KEY=(sensitive)");
        assertThat(Redaction.line("    token: \"t0k3n\"")).isEqualTo("    token: (sensitive)");
        assertThat(Redaction.line("AWS_SECRET_ACCESS_KEY = x")).isEqualTo("AWS_SECRET_ACCESS_KEY = (sensitive)");
    }

    @Test
    void aUrlsPasswordIsHiddenAndItsUserAndHostKept() {
        assertThat(Redaction.line("DATABASE_URL=postgres://antenna:pw@db:5432/antenna"))
                .isEqualTo("DATABASE_URL=postgres://antenna:(sensitive)@db:5432/antenna");
        assertThat(Redaction.line("NATS_URL=nats://nats:4222")).isEqualTo("NATS_URL=nats://nats:4222");
    }

    @Test
    void ordinaryLinesReferencesAndDiffHeadersAreLeftAlone() {
        assertThat(Redaction.line("    image: insectai/ami_backend")).isEqualTo("    image: insectai/ami_backend");
        assertThat(Redaction.line("    NATS_TOKEN: ${env:NATS_TOKEN}")).isEqualTo("    NATS_TOKEN: ${env:NATS_TOKEN}");
        String diff = "--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n-      POSTGRES_PASSWORD: old-pw\n+      POSTGRES_PASSWORD: new-pw\n       image: x";
        assertThat(Redaction.diff(diff)).isEqualTo("--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n-      POSTGRES_PASSWORD: (sensitive)\n"
                + "+      POSTGRES_PASSWORD: (sensitive)\n       image: x");
    }
}
