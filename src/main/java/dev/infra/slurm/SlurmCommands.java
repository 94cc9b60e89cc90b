package dev.infra.slurm;

import dev.infra.inventory.SlurmCluster;
import dev.infra.ssh.RemoteCommand;
import dev.infra.ssh.Shell;
import java.util.List;

/** The commands infra runs on a SLURM login host. They return data; nothing here runs them. */
public final class SlurmCommands {
    /** id|name|state|time left|comment|reason, one job per line, the user's own jobs only. */
    public static final String QUEUE_FORMAT = "%i|%j|%T|%L|%k|%r";

    private SlurmCommands() {}

    /** The user's jobs, as {@link SlurmJob#parse} reads them. */
    public static RemoteCommand queue() {
        return RemoteCommand.of("list the SLURM jobs", "squeue --me --noheader --format " + Shell.quote(QUEUE_FORMAT));
    }

    /**
     * Submits one job of {@code group} from the cluster's directory (where its logs/ are); prints the job id.
     * {@code testOnly}: sbatch --test-only, which checks the script against the cluster and submits nothing.
     */
    public static RemoteCommand submit(SlurmCluster c, String group, boolean testOnly) {
        return RemoteCommand.of((testOnly ? "check" : "submit") + " a job of " + group,
                "set -eu\nmkdir -p " + Shell.path(c.logDir()) + "\ncd " + Shell.path(c.dir()) + "\n"
                        + "sbatch " + (testOnly ? "--test-only " : "--parsable ") + Shell.quote(group + ".sbatch") + " 2>&1\n");
    }

    /** Cancels {@code ids}, which must be infra's own jobs (the caller picked them by name and comment). */
    public static RemoteCommand cancel(List<String> ids) {
        return RemoteCommand.of("cancel SLURM job(s) " + String.join(", ", ids), "scancel " + Shell.join(ids) + " 2>&1");
    }
}
