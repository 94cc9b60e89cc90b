package dev.infra.apply;

import dev.infra.inventory.SlurmCluster;
import dev.infra.observe.SlurmQueue;
import dev.infra.slurm.SlurmChange;
import dev.infra.slurm.SlurmCommands;
import dev.infra.slurm.SlurmJob;
import dev.infra.ssh.ExecResult;
import dev.infra.ssh.Remote;
import dev.infra.units.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A plan's SLURM changes on one login host: every group's script is checked by the cluster itself
 * (sbatch --test-only) before anything is submitted; then jobs are submitted and cancelled; jobs on
 * an old script go once their replacements run. A failure cancels what this run submitted.
 */
final class SlurmApply {
    private static final Duration STEP = Duration.ofMinutes(2);

    private final Remote remote;
    private final SlurmCluster cluster;
    private final Consumer<String> say;
    private final List<String> submitted = new ArrayList<>();

    SlurmApply(Remote remote, SlurmCluster cluster, Consumer<String> say) {
        this.remote = remote;
        this.cluster = cluster;
        this.say = say;
    }

    /** Applies {@code changes}, adding an audit entry to {@code done} as each action happens. */
    void apply(List<SlurmChange> changes, Duration waitForReplacements, List<String> done) {
        Set<String> groups = new LinkedHashSet<>();
        changes.stream().filter(c -> c.kind() == SlurmChange.Kind.SUBMIT).forEach(c -> groups.add(c.group()));
        for (String g : groups) {
            ExecResult test = remote.run(SlurmCommands.check(cluster, g), STEP);
            if (!test.ok()) {
                throw new Applier.StepFailed("the cluster refuses worker group " + g + "'s job (sbatch --test-only): " + answer(test)
                        + ". Nothing was submitted");
            }
        }
        List<String> toRetire = new ArrayList<>();
        List<String> replacements = new ArrayList<>();
        for (SlurmChange c : changes) {
            if (c.kind() == SlurmChange.Kind.SUBMIT) {
                ExecResult r = remote.run(SlurmCommands.submit(cluster, c.group(), c.count()), STEP);
                // --parsable prints ID[;cluster] on a line of its own; warnings go to stderr.
                List<String> ids = r.stdout().lines().map(String::strip).filter(l -> l.matches("\\d+(;\\S+)?"))
                        .map(l -> l.split(";")[0]).toList();
                submitted.addAll(ids);
                if (!r.ok() || ids.size() < c.count()) {
                    throw new Applier.StepFailed("sbatch refused a job of " + c.group() + " (" + ids.size() + " of " + c.count()
                            + " submitted): " + answer(r));
                }
                say.accept("submitted " + String.join(", ", ids) + " (" + c.group() + ")" + (c.jobs().isEmpty() ? "" : ", replacing "
                        + String.join(", ", c.jobs())));
                done.add("+ slurm " + c.group() + " " + String.join(",", ids));
                if (c.reason() == SlurmChange.Reason.SCRIPT_CHANGED) {
                    toRetire.addAll(c.jobs());
                    replacements.addAll(ids);
                }
            } else {
                cancel(c.jobs());
                say.accept("cancelled " + String.join(", ", c.jobs()) + " (" + c.group() + ": " + c.reason().name().toLowerCase() + ")");
                done.add("- slurm " + c.group() + " " + String.join(",", c.jobs()));
            }
        }
        if (!toRetire.isEmpty()) {
            if (awaitRunning(replacements, waitForReplacements)) {
                cancel(toRetire);
                // The replacements are now the group's running jobs: a later failure must not cancel them.
                submitted.removeAll(replacements);
                say.accept("cancelled " + String.join(", ", toRetire) + " (an old script; their replacements run)");
                done.add("- slurm " + String.join(",", toRetire));
            } else {
                say.accept("kept " + String.join(", ", toRetire) + " running: their replacements have not started yet;"
                        + " infra apply cancels them once they have");
            }
        }
    }

    /** Rollback: cancel what this run submitted. */
    String undo() {
        if (submitted.isEmpty()) {
            return "";
        }
        try {
            cancel(submitted);
            return "cancelled the job(s) this run submitted (" + String.join(", ", submitted) + ")";
        } catch (RuntimeException e) {
            return "could not cancel " + String.join(", ", submitted) + " (" + e.getMessage() + "): cancel them with infra slurm cancel";
        }
    }

    private boolean awaitRunning(List<String> ids, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        do {
            ExecResult r = remote.run(SlurmCommands.queue(), STEP);
            if (r.ok()) {
                List<SlurmJob> jobs = SlurmQueue.of(r.stdout(), 0).jobs();
                if (ids.stream().allMatch(id -> jobs.stream().anyMatch(j -> j.id().equals(id) && j.running()))) {
                    return true;
                }
            }
            Durations.pause(Duration.ofSeconds(1));
        } while (System.nanoTime() < deadline);
        return false;
    }

    /** Cancels {@code ids}; one that reached its end meanwhile is no failure (scancel still cancels the others). */
    private void cancel(List<String> ids) {
        ExecResult r = remote.run(SlurmCommands.cancel(ids), STEP);
        if (!r.ok() && !onlyEndedJobs(r.stdout() + "\n" + r.stderr())) {
            throw new Applier.StepFailed("scancel " + String.join(" ", ids) + " failed: " + answer(r));
        }
    }

    /** scancel's complaints are all about jobs that are gone already. */
    static boolean onlyEndedJobs(String scancelOutput) {
        List<String> complaints = scancelOutput.lines().filter(l -> !l.isBlank()).toList();
        return !complaints.isEmpty() && complaints.stream().allMatch(l -> l.contains("Invalid job id specified")
                || l.contains("already completing or completed"));
    }

    /** The cluster's own words: sbatch's error lines, as it printed them. */
    private static String answer(ExecResult r) {
        String all = (r.stdout() + "\n" + r.stderr()).strip();
        List<String> errors = all.lines().filter(l -> l.contains("error")).toList();
        return errors.isEmpty() ? r.reason() : String.join("; ", errors);
    }
}
