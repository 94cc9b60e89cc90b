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

    /**
     * What verify judges, in one round trip: the time on the cluster, the queue, each job log's
     * modification time, and for each log of the last {@code recentHours} whose job left the queue,
     * how it ended (scontrol, while SLURM still remembers it) and the log's last lines.
     */
    public static RemoteCommand status(SlurmCluster c, int recentHours) {
        return RemoteCommand.of("read the SLURM jobs and their logs",
                "printf '@@NOW %s\\n' \"$(date +%s)\"\n"
                        + "printf '@@QUEUE\\n'; " + queue().script() + " 2>&1; printf '\\n@@QUEUERC %s\\n' $?\n"
                        + "cd " + Shell.path(c.logDir()) + " 2>/dev/null || exit 0\n"
                        + "for f in $(find . -maxdepth 1 -name 'infra-*.out' -mmin -" + recentHours * 60 + " | sort); do\n"
                        + "  f=${f#./}; id=${f##*-}; id=${id%.out}\n"
                        + "  printf '@@LOG %s %s %s\\n' \"$id\" \"$(stat -c %Y \"$f\")\" \"$f\"\n"
                        + "  if [ -z \"$(squeue --noheader --jobs \"$id\" 2>/dev/null)\" ]; then\n"
                        + "    printf '@@ENDED %s\\n' \"$id\"; scontrol show job -o \"$id\" 2>/dev/null | tr ' ' '\\n' | grep -E '^(JobState|ExitCode|Reason)='\n"
                        + "    printf '@@TAIL %s\\n' \"$id\"; tail -n 5 \"$f\"\n"
                        + "  fi\n"
                        + "done\n");
    }

    /** The last {@code lines} lines of one of infra's job logs ({@code job}: a job id, digits only). */
    public static RemoteCommand logs(SlurmCluster c, String job, int lines) {
        if (!job.matches("\\d+")) {
            throw new IllegalArgumentException("a job id is digits, not '" + job + "'");
        }
        return RemoteCommand.of("read the log of job " + job, "cd " + Shell.path(c.logDir()) + " && f=$(ls infra-*-" + job
                + ".out 2>/dev/null | head -n1) && [ -n \"$f\" ] && tail -n " + lines + " \"$f\"");
    }

    /** Cancels {@code ids}, which must be infra's own jobs (the caller picked them by name and comment). */
    public static RemoteCommand cancel(List<String> ids) {
        return RemoteCommand.of("cancel SLURM job(s) " + String.join(", ", ids), "scancel " + Shell.join(ids) + " 2>&1");
    }
}
