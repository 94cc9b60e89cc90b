package dev.infra.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReleaseHistoryTest {
    static final String V1 = "1111111aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    static final String V2 = "2222222bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    static final String V3 = "3333333ccccccccccccccccccccccccccccccccc";

    static String line(String time, String result, String ref, String from, String to) {
        return "{\"time\":\"" + time + "\",\"who\":\"ops@laptop\",\"command\":\"infra apply\",\"host\":\"w1\",\"result\":\"" + result
                + "\",\"changes\":[],\"release\":[{\"project\":\"ami-platform\",\"ref\":\"" + ref + "\",\"from\":\"" + from + "\",\"to\":\"" + to + "\"}]}";
    }

    @Test
    void versionsNewestFirstWithTheNamesTheyWereReleasedUnder() {
        ReleaseHistory h = ReleaseHistory.of(List.of(
                "{\"time\":\"t0\",\"result\":\"ok\",\"changes\":[\"~ env\"]}",
                line("t1", "ok", "v2", V1, V2).replace("\"to\":\"" + V2 + "\"", "\"to\":\"" + V2 + "\",\"from_ref\":\"v1\""),
                line("t2", "failed", "v3", V2, V3),
                "not json",
                line("t3", "ok", V1, V2, V1)));
        assertThat(h.projects()).containsExactly("ami-platform");
        assertThat(h.versions("ami-platform")).extracting(ReleaseHistory.Version::label)
                .containsExactly("v1 (1111111)", "v2 (2222222)", "v1 (1111111)");
        assertThat(h.previous("ami-platform")).get().extracting(ReleaseHistory.Version::commit).isEqualTo(V2);
        assertThat(h.previous("ami-platform").get().label()).isEqualTo("v2 (2222222)");
        assertThat(h.entries()).hasSize(3).filteredOn(e -> !e.ok()).singleElement().extracting(ReleaseHistory.Entry::ref).isEqualTo("v3");
    }

    @Test
    void aHostWithoutReleasesHasNoPrevious() {
        assertThat(ReleaseHistory.of(List.of()).previous("ami-platform")).isEmpty();
        assertThat(ReleaseHistory.of(List.of(line("t1", "failed", "v2", V1, V2))).versions("ami-platform")).isEmpty();
    }
}
