package dev.infra.nats;

import static dev.infra.nats.JetStreamAnalysisTest.NOW;
import static dev.infra.nats.JetStreamAnalysisTest.POLICY;
import static dev.infra.nats.JetStreamAnalysisTest.consumer;
import static dev.infra.nats.JetStreamAnalysisTest.stream;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The one stale-stream rule of `nats streams --stale`, `nats prune` and verify, on both sides of each threshold. */
class StaleStreamsTest {
    static final StaleStreams.Criteria POLICY_CRITERIA = StaleStreams.Criteria.of(POLICY);

    static List<String> names(List<StaleStreams.Stale> stale) {
        return stale.stream().map(s -> s.stream().name()).toList();
    }

    @Test
    void olderThanMaxAgeAndQuietSinceIsStaleOneSecondYoungerIsNot() {
        JobStream old = stream("1", NOW.minus(Duration.ofHours(24)).minusSeconds(1), 5, 5, Optional.of(NOW.minus(Duration.ofHours(25))));
        JobStream young = stream("2", NOW.minus(Duration.ofHours(24)).plusSeconds(1), 5, 5, Optional.of(NOW.minus(Duration.ofHours(23))));
        List<StaleStreams.Stale> stale = StaleStreams.find(List.of(old, young), POLICY_CRITERIA, NOW);
        assertThat(names(stale)).containsExactly("job_1");
        assertThat(stale.get(0).why()).startsWith("older than 24h (24h1s), last activity 25h ago");
    }

    @Test
    void anOldStreamWhoseConsumerWasActiveWithinTheThresholdIsAJobStillRunning() {
        JobStream working = stream("3", NOW.minus(Duration.ofHours(30)), 5, 5, Optional.of(NOW.minus(Duration.ofHours(29))),
                consumer("3", 3, 1, 2, 1, Optional.of(NOW.minus(Duration.ofHours(1))), 2));
        assertThat(StaleStreams.find(List.of(working), POLICY_CRITERIA, NOW)).isEmpty();
        // The same stream under prune's --older-than 30m: the last activity an hour ago no longer protects it.
        var prune = StaleStreams.Criteria.of(POLICY, Optional.of(Duration.ofMinutes(30)));
        assertThat(names(StaleStreams.find(List.of(working), prune, NOW))).containsExactly("job_3");
    }

    @Test
    void emptyAndIdleForLongerThanAckWaitIsAnOrphanJustUsedOrJustCreatedIsNot() {
        JobStream orphan = stream("4", NOW.minus(Duration.ofHours(2)), 0, 0, Optional.empty());
        JobStream idleJustOverAckWait = stream("5", NOW.minus(Duration.ofHours(1)), 0, 0, Optional.empty(),
                consumer("5", 0, 0, 0, 0, Optional.of(NOW.minus(Duration.ofMinutes(5)).minusSeconds(1)), 2));
        JobStream usedWithinAckWait = stream("6", NOW.minus(Duration.ofHours(1)), 0, 0, Optional.empty(),
                consumer("6", 0, 0, 0, 0, Optional.of(NOW.minus(Duration.ofMinutes(5)).plusSeconds(1)), 2));
        JobStream createdJustNow = stream("7", NOW.minusSeconds(10), 0, 0, Optional.empty());
        JobStream holdingWork = stream("8", NOW.minus(Duration.ofHours(2)), 3, 3, Optional.of(NOW.minus(Duration.ofHours(2))));
        List<StaleStreams.Stale> stale = StaleStreams.find(List.of(orphan, idleJustOverAckWait, usedWithinAckWait, createdJustNow,
                holdingWork), POLICY_CRITERIA, NOW);
        assertThat(names(stale)).containsExactly("job_4", "job_5");
        assertThat(stale.get(0).why()).isEqualTo("empty and idle (never used)");
        assertThat(stale.get(1).why()).startsWith("empty and idle since ");
    }

    @Test
    void aStaleStreamSaysWhatWorkItsJobStillOwes() {
        JobStream hung = stream("9", NOW.minus(Duration.ofHours(30)), 5, 5, Optional.of(NOW.minus(Duration.ofHours(29))),
                consumer("9", 3, 1, 2, 1, Optional.of(NOW.minus(Duration.ofHours(29))), 2));
        JobStream done = stream("10", NOW.minus(Duration.ofHours(30)), 5, 5, Optional.of(NOW.minus(Duration.ofHours(29))),
                consumer("10", 0, 0, 5, 5, Optional.of(NOW.minus(Duration.ofHours(29))), 2));
        List<StaleStreams.Stale> stale = StaleStreams.find(List.of(hung, done), POLICY_CRITERIA, NOW);
        assertThat(stale).extracting(StaleStreams.Stale::outstanding).containsExactly(4L, 0L);
        assertThat(stale.get(0).holdsWork()).isTrue();
        assertThat(stale.get(1).holdsWork()).isFalse();
    }

    @Test
    void streamsThatAreNotJobStreamsAreNeverStale() {
        JobStream advisories = new JobStream("advisories", Optional.empty(), NOW.minus(Duration.ofDays(9)), 0, 0, 0, 0,
                Optional.empty(), List.of());
        assertThat(StaleStreams.find(List.of(advisories), POLICY_CRITERIA, NOW)).isEmpty();
    }
}
