package dev.infra.observe;

import dev.infra.slurm.SlurmJob;
import java.util.List;
import java.util.Optional;

/** The jobs squeue listed on a SLURM login host, or why it could not list them. */
public record SlurmQueue(List<SlurmJob> jobs, Optional<String> error) {
    public static SlurmQueue of(String squeueOutput, int exitCode) {
        return exitCode == 0 ? new SlurmQueue(SlurmJob.parse(squeueOutput), Optional.empty())
                : new SlurmQueue(List.of(), Optional.of("squeue failed (exit " + exitCode + "): " + squeueOutput.strip()));
    }
}
