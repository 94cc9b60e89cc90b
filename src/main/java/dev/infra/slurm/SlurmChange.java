package dev.infra.slurm;

import java.util.List;

/**
 * What apply does for one worker group: submit {@code count} jobs, or cancel {@code jobs}.
 * {@code reason} is for tools, {@code detail} for people.
 */
public record SlurmChange(String group, Kind kind, int count, List<String> jobs, Reason reason, String detail) {
    public enum Kind { SUBMIT, CANCEL }

    public enum Reason {
        /** fewer jobs running or pending than wanted */
        MISSING,
        /** a running job gets close to its wall time: its replacement starts first */
        NEAR_WALL_TIME,
        /** jobs run an older version of the script: new ones are submitted, the old cancelled once they run */
        SCRIPT_CHANGED,
        /** more jobs than wanted */
        SURPLUS,
        /** the group is no longer declared */
        UNDECLARED
    }
}
