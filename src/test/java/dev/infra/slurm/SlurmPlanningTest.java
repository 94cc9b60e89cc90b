package dev.infra.slurm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.infra.inventory.SlurmCluster;
import dev.infra.units.ByteSize;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Keeping N worker jobs: what is submitted and cancelled, from squeue's own lines. */
class SlurmPlanningTest {
    static SlurmCluster cluster(int jobs) {
        LinkedHashMap<String, SlurmCluster.WorkerGroup> workers = new LinkedHashMap<>();
        workers.put("adc", new SlurmCluster.WorkerGroup("adc", jobs, Duration.ofHours(12), ByteSize.parse("4GiB"), 1, Optional.empty(),
                List.of(), "~/w", Optional.empty(), List.of(), "ami worker", List.of(), new LinkedHashMap<>(), Duration.ofMinutes(30),
                Duration.ofMinutes(5), Duration.ofMinutes(15)));
        return new SlurmCluster("hpc", "def-lab", Optional.empty(), "~/.infra/slurm", workers);
    }

    static final Map<String, String> DIGESTS = Map.of("adc", "d1");

    static List<SlurmChange> plan(int wanted, String squeue) {
        return SlurmPlanning.changes(cluster(wanted), DIGESTS, SlurmJob.parse(squeue));
    }

    @Test
    void squeueLinesAreRead() {
        List<SlurmJob> jobs = SlurmJob.parse("101|infra-adc|RUNNING|11:58:02|infra:d1|None\n"
                + "102|infra-adc|PENDING|12:00:00|infra:d1|Resources\n103|jupyter|RUNNING|1-02:00:00|(null)|None\n"
                + "104|infra-adc|RUNNING|29:45|infra:d1|None\ngarbage\n");
        assertThat(jobs).extracting(SlurmJob::id).containsExactly("101", "102", "103", "104");
        assertThat(jobs.get(0).timeLeft()).contains(Duration.ofSeconds(11 * 3600 + 58 * 60 + 2));
        assertThat(jobs.get(2).timeLeft()).contains(Duration.ofHours(26));
        assertThat(jobs.get(3).timeLeft()).contains(Duration.ofSeconds(29 * 60 + 45));
        assertThat(jobs.get(2).infras()).as("not infra's: no infra- name, no infra: comment").isFalse();
        assertThat(SlurmJob.parse("105|infra-adc|RUNNING|UNLIMITED|by-hand|None").get(0).infras())
                .as("a job someone named like infra's, without infra's comment").isFalse();
    }

    @Test
    void fromNothingEveryWantedJobIsSubmitted() {
        assertThat(plan(2, "")).singleElement().satisfies(c -> {
            assertThat(c.kind()).isEqualTo(SlurmChange.Kind.SUBMIT);
            assertThat(c.count()).isEqualTo(2);
            assertThat(c.reason()).isEqualTo(SlurmChange.Reason.MISSING);
            assertThat(c.detail()).isEqualTo("submit 2 (0 of 2 running or pending)");
        });
    }

    @Test
    void runningAndPendingBothCountAndOthersJobsNever() {
        assertThat(plan(2, "101|infra-adc|RUNNING|11:00:00|infra:d1|None\n102|infra-adc|PENDING|12:00:00|infra:d1|Priority\n"
                + "103|infra-adc|RUNNING|11:00:00|by-hand|None\n")).isEmpty();
    }

    @Test
    void aJobNearItsWallTimeIsReplacedBeforeItEndsAndNotCancelled() {
        List<SlurmChange> c = plan(2, "101|infra-adc|RUNNING|11:00:00|infra:d1|None\n102|infra-adc|RUNNING|12:10|infra:d1|None\n");
        assertThat(c).singleElement().satisfies(s -> {
            assertThat(s.kind()).isEqualTo(SlurmChange.Kind.SUBMIT);
            assertThat(s.reason()).isEqualTo(SlurmChange.Reason.NEAR_WALL_TIME);
            assertThat(s.jobs()).containsExactly("102");
            assertThat(s.detail()).isEqualTo("submit 1 to replace 102 (ends in 12m10s, within replace_within 30m)");
        });
        assertThat(plan(2, "101|infra-adc|RUNNING|11:00:00|infra:d1|None\n102|infra-adc|RUNNING|12:10|infra:d1|None\n"
                + "103|infra-adc|PENDING|12:00:00|infra:d1|Resources\n")).as("its replacement is already waiting").isEmpty();
    }

    @Test
    void jobsOnAnOldScriptAreReplacedThenCancelledOnceEnoughRunTheNewOne() {
        List<SlurmChange> first = plan(1, "101|infra-adc|RUNNING|11:00:00|infra:d0|None\n");
        assertThat(first).singleElement().satisfies(s -> {
            assertThat(s.kind()).isEqualTo(SlurmChange.Kind.SUBMIT);
            assertThat(s.reason()).isEqualTo(SlurmChange.Reason.SCRIPT_CHANGED);
            assertThat(s.jobs()).containsExactly("101");
        });
        assertThat(plan(1, "101|infra-adc|RUNNING|11:00:00|infra:d0|None\n102|infra-adc|PENDING|12:00:00|infra:d1|Resources\n"))
                .as("its replacement only waits: the old job keeps working").isEmpty();
        assertThat(plan(1, "101|infra-adc|PENDING|12:00:00|infra:d0|Priority\n")).extracting(SlurmChange::kind, SlurmChange::jobs)
                .as("a job still waiting on an old script goes now, a new one is submitted")
                .containsExactlyInAnyOrder(tuple(SlurmChange.Kind.SUBMIT, List.of()),
                        tuple(SlurmChange.Kind.CANCEL, List.of("101")));
        List<SlurmChange> then = plan(1, "101|infra-adc|RUNNING|11:00:00|infra:d0|None\n102|infra-adc|RUNNING|12:00:00|infra:d1|None\n");
        assertThat(then).singleElement().satisfies(s -> {
            assertThat(s.kind()).isEqualTo(SlurmChange.Kind.CANCEL);
            assertThat(s.jobs()).containsExactly("101");
        });
    }

    @Test
    void surplusGoesPendingFirstThenTheNewestAndUndeclaredGroupsGoEntirely() {
        List<SlurmChange> c = plan(1, "101|infra-adc|RUNNING|11:00:00|infra:d1|None\n102|infra-adc|RUNNING|11:30:00|infra:d1|None\n"
                + "103|infra-adc|PENDING|12:00:00|infra:d1|Priority\n201|infra-old|RUNNING|3:00:00|infra:x|None\n");
        assertThat(c).extracting(SlurmChange::reason).containsExactly(SlurmChange.Reason.SURPLUS, SlurmChange.Reason.UNDECLARED);
        assertThat(c.get(0).jobs()).containsExactly("103", "102");
        assertThat(c.get(1).jobs()).containsExactly("201");
    }
}
