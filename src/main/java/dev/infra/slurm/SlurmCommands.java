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

    /** Checks {@code group}'s script against the cluster (sbatch --test-only): nothing is submitted. */
    public static RemoteCommand check(SlurmCluster c, String group) {
        return RemoteCommand.of("check a job of " + group, inDir(c) + "sbatch --test-only " + Shell.quote(group + ".sbatch") + "\n");
    }

    /**
     * Submits {@code count} jobs of {@code group} in one round trip, from the cluster's directory (where
     * its logs/ are); prints each job's id on a line of its own and stops at the first refusal.
     */
    public static RemoteCommand submit(SlurmCluster c, String group, int count) {
        return RemoteCommand.of("submit " + count + " job(s) of " + group, inDir(c)
                + "i=0\nwhile [ \"$i\" -lt " + count + " ]; do sbatch --parsable " + Shell.quote(group + ".sbatch") + "; i=$((i + 1)); done\n");
    }

    private static String inDir(SlurmCluster c) {
        return "set -eu\nmkdir -p " + Shell.path(c.logDir()) + "\ncd " + Shell.path(c.dir()) + "\n";
    }

    /**
     * What verify judges, in one round trip: the time on the cluster, the queue, each job log's
     * modification time, and for each log of the last {@code recentHours} whose job left the queue,
     * how it ended (scontrol, while SLURM still remembers it) and the log's last lines.
     */
    public static RemoteCommand status(SlurmCluster c, int recentHours) {
        // Logs of queued jobs, whatever their age, and every log of the last hours (ended jobs); the queue
        // printed once answers "is it still queued" for each (no call to the controller per log).
        return RemoteCommand.of("read the SLURM jobs and their logs",
                "printf '@@NOW %s\\n' \"$(date +%s)\"\n"
                        + "q=$(" + queue().script() + " 2>&1); rc=$?\n"
                        + "printf '@@QUEUE\\n%s\\n@@QUEUERC %s\\n' \"$q\" \"$rc\"\n"
                        + "cd " + Shell.path(c.logDir()) + " 2>/dev/null || exit 0\n"
                        + "{ find . -maxdepth 1 -name " + Shell.quote(SlurmCluster.JOB_PREFIX + "*.out") + " -mmin -" + recentHours * 60 + "\n"
                        + "  printf '%s\\n' \"$q\" | while IFS='|' read -r id name rest; do echo \"./$name-$id.out\"; done; } | sort -u |\n"
                        + "while read -r f; do\n"
                        + "  f=${f#./}; [ -f \"$f\" ] || continue; id=${f##*-}; id=${id%.out}\n"
                        + "  printf '@@LOG %s %s %s\\n' \"$id\" \"$(stat -c %Y \"$f\")\" \"$f\"\n"
                        + "  if ! printf '%s\\n' \"$q\" | grep -q \"^$id|\"; then\n"
                        + "    printf '@@ENDED %s\\n' \"$id\"\n"
                        // sacct where accounting exists (it remembers); scontrol while the controller still does.
                        + "    a=$(sacct -n -P -X -j \"$id\" -o State,ExitCode 2>/dev/null | head -n1)\n"
                        + "    if [ -n \"$a\" ]; then printf 'JobState=%s\\nExitCode=%s\\n' \"${a%%|*}\" \"${a#*|}\";\n"
                        + "    else scontrol show job -o \"$id\" 2>/dev/null | tr ' ' '\\n' | grep -E '^(JobState|ExitCode|Reason)='; fi\n"
                        + "    printf '@@TAIL %s\\n' \"$id\"; tail -n 5 \"$f\"; echo\n"
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
