package dev.infra.slurm;

import dev.infra.inventory.SlurmCluster;
import dev.infra.units.Durations;
import dev.infra.verify.CheckResult.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Verify's judgement of one worker group, from what {@link SlurmStatus} read: its jobs RUNNING as
 * wanted (none: CRIT; fewer: WARN with why the others wait), each running job's output recent (older
 * than the group's {@code silent_after}: WARN, a hung worker), and jobs that failed recently (WARN with
 * state, exit code and the log's last lines).
 */
public final class SlurmJudge {
    private SlurmJudge() {}

    public static Outcome judge(SlurmCluster c, SlurmCluster.WorkerGroup g, SlurmStatus st) {
        String fix = "infra slurm status; infra slurm logs JOB (" + c.logDir() + "/" + SlurmCluster.logName(g.name(), "JOB") + ");"
                + " infra apply --limit " + c.login() + " resubmits what is missing";
        if (st.queue().error().isPresent()) {
            return Outcome.unknown(st.queue().error().get(), "check SLURM on " + c.login());
        }
        List<SlurmJob> jobs = st.queue().jobs().stream().filter(SlurmJob::infras).filter(j -> j.group().equals(g.name())).toList();
        List<SlurmJob> running = jobs.stream().filter(SlurmJob::running).toList();
        List<SlurmJob> pending = jobs.stream().filter(SlurmJob::pending).toList();
        List<String> problems = new ArrayList<>();
        for (SlurmJob j : running) {
            Long mtime = st.logMtime().get(j.id());
            if (mtime == null) {
                problems.add("job " + j.id() + " has written no output yet");
                continue;
            }
            Duration quiet = Duration.ofSeconds(Math.max(0, st.now() - mtime));
            if (quiet.compareTo(g.silentAfter()) > 0) {
                problems.add("job " + j.id() + ": no output for " + Durations.format(quiet) + " (silent_after " + Durations.format(g.silentAfter())
                        + "): the worker may hang");
            }
        }
        for (SlurmStatus.Ended e : st.ended().values()) {
            if (e.group().equals(g.name()) && e.failed()) {
                problems.add("job " + e.id() + " failed (" + e.state().orElse("state unknown") + ", exit " + e.exitCode().orElse("unknown")
                        + e.reason().map(r -> ", " + r).orElse("") + ")" + (e.tail().isEmpty() ? "" : "; its log ends: "
                        + String.join(" | ", e.tail())));
            }
        }
        String counts = running.size() + " of " + g.jobs() + " running" + (pending.isEmpty() ? ""
                : ", " + pending.size() + " pending (" + String.join(", ", pending.stream().map(SlurmJob::reason).distinct().toList()) + ")");
        if (g.jobs() > 0 && running.isEmpty()) {
            return Outcome.crit("no worker of " + g.name() + " runs: " + counts + (problems.isEmpty() ? "" : "; " + String.join("; ", problems)), fix);
        }
        if (running.size() < g.jobs()) {
            problems.add(0, counts);
        }
        if (!problems.isEmpty()) {
            return Outcome.warn(String.join("; ", problems), fix);
        }
        long newest = running.stream().mapToLong(j -> st.now() - st.logMtime().get(j.id())).min().orElse(0);
        return Outcome.ok(counts + (running.isEmpty() ? "" : "; newest output " + Durations.format(Duration.ofSeconds(Math.max(0, newest)))
                + " ago"));
    }
}
