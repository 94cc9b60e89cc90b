package dev.infra.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infra.nats.JetStreamReport;
import dev.infra.observe.ObservedContainer.Mount;
import dev.infra.render.NatsServer;
import dev.infra.units.ByteSize;
import dev.infra.verify.CheckResult.Outcome;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The JetStream judgement fed the real server's canned /healthz and /jsz answers, no SSH and no Docker. */
class JetStreamJudgeTest {
    static final String OK = "{\"status\":\"ok\"}";
    static final long GIB = 1L << 30;
    static final NatsServer WANT = new NatsServer("ami-redis-1", "10.0.0.5", "nats:2.10-alpine", "nats", "nats", 4222, 8222,
            "/data/jetstream", "nats-data", new ByteSize(GIB), new ByteSize(10 * GIB), 1);
    static final List<Mount> ON_VOLUME = List.of(new Mount("volume", "nats_nats-data", "/data/jetstream"),
            new Mount("bind", "", "/etc/nats"));

    static String jsz(String name) throws IOException {
        try (InputStream in = JetStreamJudgeTest.class.getResourceAsStream("/nats/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static Outcome judge(String jszBody, List<Mount> mounts) throws IOException {
        return JetStreamJudge.judge(JetStreamReport.parse(200, OK, 200, jszBody), WANT, mounts);
    }

    @Test
    void aHealthyServerOnItsVolumeWithTheDeclaredLimitsIsOk() throws IOException {
        Outcome o = judge(jsz("jsz-healthy.json"), ON_VOLUME);
        assertThat(o.status()).isEqualTo(Status.OK);
        assertThat(o.message()).isEqualTo("healthy; store /data/jetstream/jetstream on volume nats_nats-data; memory 0%, file 0% of the limits");
        assertThat(JetStreamReport.parse(200, OK, 200, jsz("jsz-healthy.json")).serving()).isTrue();
    }

    @Test
    void jetStreamOffIsCritEvenThoughHealthzSaysOk() throws IOException {
        // nats-server 2.9 answers /healthz?js-enabled-only=true with ok without JetStream: /jsz decides.
        JetStreamReport off = JetStreamReport.parse(200, OK, 200, jsz("jsz-disabled.json"));
        assertThat(off.serving()).isFalse();
        Outcome o = JetStreamJudge.judge(off, WANT, ON_VOLUME);
        assertThat(o.status()).isEqualTo(Status.CRIT);
        assertThat(o.message()).isEqualTo("JetStream is disabled");
        assertThat(o.fix()).isEqualTo("infra apply --limit ami-redis-1");
    }

    @Test
    void aFailingHealthzIsCrit() throws IOException {
        Outcome o = JetStreamJudge.judge(JetStreamReport.parse(503, "{\"status\":\"unavailable\"}", 200, jsz("jsz-healthy.json")),
                WANT, ON_VOLUME);
        assertThat(o.status()).isEqualTo(Status.CRIT);
        assertThat(o.message()).contains("503");
    }

    @Test
    void aStoreInTmpIsCritNamingTheDirectoryAndTheVolumeToUse() throws IOException {
        Outcome o = judge(jsz("jsz-healthy.json").replace("/data/jetstream/jetstream", "/tmp/nats/jetstream"), ON_VOLUME);
        assertThat(o.status()).isEqualTo(Status.CRIT);
        assertThat(o.message()).contains("/tmp/nats/jetstream").contains("lost when the container or host restarts");
        assertThat(o.fix()).contains("nats-data");
    }

    @Test
    void aStoreOutsideEveryNamedVolumeIsCrit() throws IOException {
        Outcome o = judge(jsz("jsz-healthy.json"), List.of(new Mount("bind", "", "/data/jetstream")));
        assertThat(o.status()).isEqualTo(Status.CRIT);
        assertThat(o.message()).contains("not inside a named volume");
    }

    @Test
    void usageWarnsAtEightyPercentAndIsCritAtNinetyFive() throws IOException {
        String healthy = jsz("jsz-healthy.json");
        Outcome at80 = judge(healthy.replace("\"storage\": 0,", "\"storage\": " + (8 * GIB) + ","), ON_VOLUME);
        assertThat(at80.status()).isEqualTo(Status.WARN);
        assertThat(at80.message()).isEqualTo("JetStream store filling up: memory 0%, file 80% of the limits");
        Outcome at95 = judge(healthy.replace("\"memory\": 0,", "\"memory\": " + (GIB * 95 / 100) + ","), ON_VOLUME);
        assertThat(at95.status()).isEqualTo(Status.CRIT);
        assertThat(at95.message()).startsWith("JetStream store nearly full: memory 95%");
        assertThat(JetStreamJudge.USAGE_WARN).isLessThan(0.80);
        assertThat(JetStreamJudge.USAGE_CRIT).isBetween(0.80, 0.95);
    }

    @Test
    void limitsOtherThanTheInventorysAreAWarningNamingBoth() throws IOException {
        Outcome o = judge(jsz("jsz-healthy.json").replace("\"max_memory\": 1073741824", "\"max_memory\": 536870912"), ON_VOLUME);
        assertThat(o.status()).isEqualTo(Status.WARN);
        assertThat(o.message()).isEqualTo("max_memory 536870912 is not the inventory's 1073741824");
    }
}
