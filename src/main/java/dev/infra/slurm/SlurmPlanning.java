package dev.infra.slurm;

import dev.infra.inventory.SlurmCluster;
import dev.infra.units.Durations;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What keeps each worker group at its wanted count: pure, from the declared groups, the digest of
 * each group's script and the jobs squeue lists. Only infra's own jobs count (name and comment);
 * capacity never drops on purpose: replacements are submitted while the jobs they replace still run.
 */
public final class SlurmPlanning {
    private SlurmPlanning() {}

    public static List<SlurmChange> changes(SlurmCluster cluster, Map<String, String> digests, List<SlurmJob> queue) {
        Map<String, List<SlurmJob>> byGroup = new LinkedHashMap<>();
        queue.stream().filter(SlurmJob::infras).filter(j -> j.running() || j.pending())
                .forEach(j -> byGroup.computeIfAbsent(j.group(), g -> new ArrayList<>()).add(j));
        List<SlurmChange> out = new ArrayList<>();
        for (SlurmCluster.WorkerGroup g : cluster.workers().values()) {
            List<SlurmJob> jobs = byGroup.getOrDefault(g.name(), List.of());
            String digest = digests.get(g.name());
            List<SlurmJob> current = jobs.stream().filter(j -> j.digest().equals(digest)).toList();
            List<SlurmJob> oldRunning = jobs.stream().filter(j -> !j.digest().equals(digest) && j.running()).toList();
            List<SlurmJob> oldPending = jobs.stream().filter(j -> !j.digest().equals(digest) && !j.running()).toList();
            List<SlurmJob> ending = current.stream().filter(SlurmJob::running)
                    .filter(j -> j.timeLeft().map(t -> t.compareTo(g.replaceWithin()) < 0).orElse(false)).toList();
            // Capacity to come: current jobs running or pending that are not about to end.
            int lasting = current.size() - ending.size();
            // Capacity now: of those, the ones running.
            int runningLasting = (int) current.stream().filter(SlurmJob::running).count() - ending.size();
            int wanted = g.jobs();
            int missing = Math.max(0, wanted - lasting);
            // Replacements first, for what ends soon and what runs an old script, then what is simply missing.
            int forEnding = Math.min(missing, ending.size());
            if (forEnding > 0) {
                List<SlurmJob> replaced = ending.subList(0, forEnding);
                out.add(new SlurmChange(g.name(), SlurmChange.Kind.SUBMIT, forEnding, ids(replaced), SlurmChange.Reason.NEAR_WALL_TIME,
                        "submit " + forEnding + " to replace " + String.join(", ", ids(replaced)) + " (ends in "
                                + Durations.format(replaced.get(0).timeLeft().orElseThrow()) + ", within replace_within "
                                + Durations.format(g.replaceWithin()) + ")"));
            }
            int forOld = Math.min(missing - forEnding, oldRunning.size());
            if (forOld > 0) {
                List<SlurmJob> replaced = oldRunning.subList(0, forOld);
                out.add(new SlurmChange(g.name(), SlurmChange.Kind.SUBMIT, forOld, ids(replaced), SlurmChange.Reason.SCRIPT_CHANGED,
                        "submit " + forOld + " with the new script to replace " + String.join(", ", ids(replaced))
                                + " (cancelled once the new ones run)"));
            }
            int plain = missing - forEnding - forOld;
            if (plain > 0) {
                out.add(new SlurmChange(g.name(), SlurmChange.Kind.SUBMIT, plain, List.of(), SlurmChange.Reason.MISSING,
                        "submit " + plain + " (" + lasting + " of " + wanted + " running or pending)"));
            }
            // A job waiting on an old script gives nothing yet: it goes now. A running one goes only once
            // enough jobs run the new script, so running capacity never drops on purpose.
            if (!oldPending.isEmpty()) {
                out.add(new SlurmChange(g.name(), SlurmChange.Kind.CANCEL, oldPending.size(), ids(oldPending), SlurmChange.Reason.SCRIPT_CHANGED,
                        "cancel " + String.join(", ", ids(oldPending)) + " (pending with an old script)"));
            }
            if (!oldRunning.isEmpty() && runningLasting >= wanted) {
                out.add(new SlurmChange(g.name(), SlurmChange.Kind.CANCEL, oldRunning.size(), ids(oldRunning), SlurmChange.Reason.SCRIPT_CHANGED,
                        "cancel " + String.join(", ", ids(oldRunning)) + " (an old script; " + runningLasting + " of " + wanted
                                + " run the new one)"));
            }
            if (lasting > wanted) {
                // The surplus: pending ones first, then the newest running ones.
                List<SlurmJob> surplus = current.stream().filter(j -> !ending.contains(j))
                        .sorted(Comparator.comparing((SlurmJob j) -> j.running()).thenComparing(j -> -jobNumber(j)))
                        .limit(lasting - wanted).toList();
                out.add(new SlurmChange(g.name(), SlurmChange.Kind.CANCEL, surplus.size(), ids(surplus), SlurmChange.Reason.SURPLUS,
                        "cancel " + String.join(", ", ids(surplus)) + " (" + lasting + " of " + wanted + " wanted)"));
            }
        }
        byGroup.forEach((group, jobs) -> {
            if (!cluster.workers().containsKey(group)) {
                out.add(new SlurmChange(group, SlurmChange.Kind.CANCEL, jobs.size(), ids(jobs), SlurmChange.Reason.UNDECLARED,
                        "cancel " + String.join(", ", ids(jobs)) + " (worker group " + group + " is no longer declared)"));
            }
        });
        return out;
    }

    private static List<String> ids(List<SlurmJob> jobs) {
        return jobs.stream().map(SlurmJob::id).toList();
    }

    private static long jobNumber(SlurmJob j) {
        String digits = j.id().replaceAll("[^0-9].*$", "");
        return digits.isEmpty() ? 0 : Long.parseLong(digits);
    }
}
