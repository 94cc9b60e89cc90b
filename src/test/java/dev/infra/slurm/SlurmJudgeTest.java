package dev.infra.slurm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infra.inventory.SlurmCluster;
import dev.infra.verify.CheckResult.Outcome;
import dev.infra.verify.Status;
import org.junit.jupiter.api.Test;

/** A worker group's verify verdict from what the login host reported (the format SlurmCommands.status prints). */
class SlurmJudgeTest {
    static final SlurmCluster CLUSTER = SlurmPlanningTest.cluster(2);
    static final long NOW = 1_800_000_000L;

    static Outcome judge(String queue, String logs) {
        String out = "@@NOW " + NOW + "\n@@QUEUE\n" + queue + "\n@@QUEUERC 0\n" + logs;
        return SlurmJudge.judge(CLUSTER, CLUSTER.workers().get("adc"), SlurmStatus.parse(out));
    }

    static final String TWO = "101|infra-adc|RUNNING|11:00:00|infra:d1|None\n102|infra-adc|RUNNING|11:30:00|infra:d1|None";

    @Test
    void twoRunningWithFreshOutputIsOk() {
        Outcome o = judge(TWO, "@@LOG 101 " + (NOW - 4) + " infra-adc-101.out\n@@LOG 102 " + (NOW - 9) + " infra-adc-102.out\n");
        assertThat(o.status()).isEqualTo(Status.OK);
        assertThat(o.message()).isEqualTo("2 of 2 running; newest output 4s ago");
    }

    @Test
    void aWorkerSilentLongerThanItsThresholdIsAWarningNamingTheJob() {
        Outcome o = judge(TWO, "@@LOG 101 " + (NOW - 4) + " infra-adc-101.out\n@@LOG 102 " + (NOW - 25 * 60) + " infra-adc-102.out\n");
        assertThat(o.status()).isEqualTo(Status.WARN);
        assertThat(o.message()).isEqualTo("job 102: no output for 25m (silent_after 15m): the worker may hang");
    }

    @Test
    void aCrashedJobIsNamedWithItsExitCodeAndItsLogTail() {
        Outcome o = judge("101|infra-adc|RUNNING|11:00:00|infra:d1|None\n102|infra-adc|PENDING|12:00:00|infra:d1|Resources",
                "@@LOG 101 " + (NOW - 4) + " infra-adc-101.out\n@@LOG 99 " + (NOW - 300) + " infra-adc-99.out\n@@ENDED 99\n"
                        + "JobState=FAILED\nExitCode=1:0\nReason=NonZeroExitCode\n@@TAIL 99\n"
                        + "2026-11-28 12:00:01 ERROR    trapdata.antenna.worker: Unhandled error in worker loop\n"
                        + "RuntimeError: CUDA error: an illegal memory access was encountered\n"
                        + "@@LOG 98 " + (NOW - 400) + " infra-adc-98.out\n@@ENDED 98\nJobState=COMPLETED\nExitCode=0:0\n@@TAIL 98\nbye\n");
        assertThat(o.status()).isEqualTo(Status.WARN);
        assertThat(o.message()).isEqualTo("1 of 2 running, 1 pending (Resources); job 99 failed (FAILED, exit 1:0, NonZeroExitCode);"
                + " its log ends: 2026-11-28 12:00:01 ERROR    trapdata.antenna.worker: Unhandled error in worker loop"
                + " | RuntimeError: CUDA error: an illegal memory access was encountered");
    }

    @Test
    void noWorkerRunningIsCritical() {
        Outcome o = judge("103|infra-adc|PENDING|12:00:00|infra:d1|Priority\n201|jupyter|RUNNING|1:00:00|(null)|None", "");
        assertThat(o.status()).isEqualTo(Status.CRIT);
        assertThat(o.message()).isEqualTo("no worker of adc runs: 0 of 2 running, 1 pending (Priority)");
    }

    @Test
    void aJobCancelledOnPurposeOrEndedCleanlyIsNoFailure() {
        Outcome o = judge(TWO, "@@LOG 101 " + (NOW - 4) + " infra-adc-101.out\n@@LOG 102 " + (NOW - 9) + " infra-adc-102.out\n"
                + "@@LOG 97 " + (NOW - 60) + " infra-adc-97.out\n@@ENDED 97\nJobState=CANCELLED by 0\nExitCode=0:15\n@@TAIL 97\nbye\n"
                + "@@LOG 96 " + (NOW - 60) + " infra-adc-96.out\n@@ENDED 96\nJobState=TIMEOUT\nExitCode=0:0\n@@TAIL 96\nstill working\n");
        assertThat(o.status()).isEqualTo(Status.WARN);
        assertThat(o.message()).as("a TIMEOUT is a failure: SLURM killed it at its wall time").isEqualTo(
                "job 96 failed (TIMEOUT, exit 0:0); its log ends: still working");
    }
}
