package dev.infra.inventory;

import dev.infra.units.ByteSize;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;

/**
 * Worker jobs kept running on a SLURM cluster, driven from its login host (a host with role
 * {@code slurm}, reached like any other host).
 *
 * @param login     the login host's name in {@code hosts:}
 * @param account   the allocation the jobs are charged to (sbatch --account)
 * @param partition the partition they run in (sbatch --partition), when the cluster needs one
 * @param dir       where infra keeps the job scripts, env files and job logs on the cluster
 * @param workers   the worker groups, by name
 */
public record SlurmCluster(String login, String account, Optional<String> partition, String dir,
                           LinkedHashMap<String, WorkerGroup> workers) {

    /**
     * How many jobs of one worker to keep running, with what resources and how they start.
     *
     * @param jobs          jobs to keep running (0: none)
     * @param time          each job's wall time (sbatch --time)
     * @param mem           memory per job (sbatch --mem)
     * @param cpus          CPUs per task (sbatch --cpus-per-task)
     * @param gres          generic resources, e.g. gpu:1 (sbatch --gres)
     * @param modules       environment modules loaded first (module load …)
     * @param workdir       the directory the worker runs in (its checkout)
     * @param venv          a Python virtualenv activated before it runs
     * @param setup         commands run before the worker, each once per job (e.g. ami worker register)
     * @param command       the worker command (e.g. ami worker)
     * @param pipelines     passed as --pipeline P, one each
     * @param env           its environment; values may reference secrets, which go only into a 0600 file
     * @param replaceWithin a job this close to its wall time gets its replacement submitted
     * @param stopBefore    the worker is sent SIGTERM this long before the wall time, to finish its batch
     * @param silentAfter   a running job whose log has not grown for this long is a hung worker (verify WARN)
     */
    public record WorkerGroup(String name, int jobs, Duration time, ByteSize mem, int cpus, Optional<String> gres,
                              List<String> modules, String workdir, Optional<String> venv, List<String> setup, String command,
                              List<String> pipelines, LinkedHashMap<String, String> env, Duration replaceWithin,
                              Duration stopBefore, Duration silentAfter) {

        /** How long the worker itself runs: the wall time less the time it needs to stop. */
        public Duration runFor() {
            return time.minus(stopBefore);
        }
    }

    /** What infra's job names start with: a job is infra's only with this name and {@link #COMMENT_PREFIX}'s comment. */
    public static final String JOB_PREFIX = "infra-";
    /** What infra's job comments start with; the script's digest follows. */
    public static final String COMMENT_PREFIX = "infra:";
    /** How far back verify and `infra slurm status` look for jobs that ended. */
    public static final int RECENT_HOURS = 6;

    /** The job name every job of {@code group} carries: how infra finds its own jobs (and never touches others). */
    public static String jobName(String group) {
        return JOB_PREFIX + group;
    }

    /** A job's log, in {@link #logDir()}: sbatch's --output=logs/%x-%j.out. */
    public static String logName(String group, String job) {
        return jobName(group) + "-" + job + ".out";
    }

    public String scriptPath(String group) {
        return dir + "/" + group + ".sbatch";
    }

    public String envPath(String group) {
        return dir + "/" + group + ".env";
    }

    public String logDir() {
        return dir + "/logs";
    }
}
