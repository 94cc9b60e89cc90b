package dev.infra.slurm;

import dev.infra.observe.SlurmQueue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@link SlurmCommands#status} read on a login host.
 *
 * @param now    the cluster's clock (epoch seconds): log ages are measured against it, not ours
 * @param logMtime each job log's last change (epoch seconds), by job id
 * @param ended  jobs of recent logs that left the queue: how they ended, as far as SLURM remembers
 */
public record SlurmStatus(long now, SlurmQueue queue, Map<String, Long> logMtime, Map<String, Ended> ended) {

    /** A job that is no longer queued: its state and exit code (empty when SLURM forgot it) and its log's last lines. */
    public record Ended(String id, String group, Optional<String> state, Optional<String> exitCode, Optional<String> reason,
                        List<String> tail) {
        /** SLURM's words for a job that went wrong; CANCELLED is not one (infra and operators cancel on purpose). */
        static final List<String> FAILURES = List.of("FAILED", "TIMEOUT", "OUT_OF_MEMORY", "NODE_FAIL", "BOOT_FAIL", "DEADLINE");

        public boolean failed() {
            if (state.isPresent()) {
                return FAILURES.contains(state.get());
            }
            return exitCode.map(c -> !c.startsWith("0:")).orElse(false);
        }
    }

    public static SlurmStatus parse(String output) {
        long now = 0;
        StringBuilder queue = new StringBuilder();
        Optional<SlurmQueue> q = Optional.empty();
        Map<String, Long> mtimes = new LinkedHashMap<>();
        Map<String, String> groups = new LinkedHashMap<>();
        Map<String, Map<String, String>> fields = new LinkedHashMap<>();
        Map<String, List<String>> tails = new LinkedHashMap<>();
        String section = "";
        String current = null;
        for (String line : output.split("\n", -1)) {
            if (line.startsWith("@@NOW ")) {
                now = Long.parseLong(line.substring(6).strip());
            } else if (line.equals("@@QUEUE")) {
                section = "queue";
            } else if (line.startsWith("@@QUEUERC ")) {
                q = Optional.of(SlurmQueue.of(queue.toString(), Integer.parseInt(line.substring(10).strip())));
                section = "";
            } else if (line.startsWith("@@LOG ")) {
                String[] f = line.substring(6).strip().split(" ", 3);
                if (f.length == 3 && f[1].matches("\\d+")) {
                    mtimes.put(f[0], Long.parseLong(f[1]));
                    // infra-GROUP-ID.out
                    String suffix = "-" + f[0] + ".out";
                    groups.put(f[0], f[2].startsWith(SlurmJob.PREFIX) && f[2].endsWith(suffix)
                            ? f[2].substring(SlurmJob.PREFIX.length(), f[2].length() - suffix.length()) : "");
                }
                section = "";
            } else if (line.startsWith("@@ENDED ")) {
                current = line.substring(8).strip();
                fields.put(current, new LinkedHashMap<>());
                section = "ended";
            } else if (line.startsWith("@@TAIL ")) {
                current = line.substring(7).strip();
                tails.put(current, new ArrayList<>());
                section = "tail";
            } else if (section.equals("queue")) {
                queue.append(line).append('\n');
            } else if (section.equals("ended") && current != null && line.contains("=")) {
                fields.get(current).put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
            } else if (section.equals("tail") && current != null && !line.isEmpty()) {
                tails.get(current).add(line);
            }
        }
        Map<String, Ended> ended = new LinkedHashMap<>();
        fields.forEach((id, f) -> ended.put(id, new Ended(id, groups.getOrDefault(id, ""),
                Optional.ofNullable(f.get("JobState")).map(st -> st.split(" ")[0]),
                Optional.ofNullable(f.get("ExitCode")), Optional.ofNullable(f.get("Reason")).filter(r -> !r.equals("None")),
                List.copyOf(tails.getOrDefault(id, List.of())))));
        return new SlurmStatus(now, q.orElse(new SlurmQueue(List.of(), Optional.of("squeue gave no answer"))), mtimes, ended);
    }
}
