package dev.infra.apply;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** scancel's words, as Slurm 22.05 prints them, for a job that ended before it could be cancelled. */
class SlurmApplyTest {
    @Test
    void aJobThatEndedMeanwhileIsNoFailureAnythingElseIs() {
        assertThat(SlurmApply.onlyEndedJobs("scancel: error: Kill job error on job id 123: Invalid job id specified\n")).isTrue();
        assertThat(SlurmApply.onlyEndedJobs("scancel: error: Kill job error on job id 124: Job/step already completing or completed\n"
                + "scancel: error: Kill job error on job id 123: Invalid job id specified\n")).isTrue();
        assertThat(SlurmApply.onlyEndedJobs("scancel: error: Kill job error on job id 125: Access/permission denied\n")).isFalse();
        assertThat(SlurmApply.onlyEndedJobs("")).as("a failure without a word is a failure").isFalse();
    }
}
