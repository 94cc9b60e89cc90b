package dev.infra.slurm;

import dev.infra.inventory.SlurmCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One job as {@code squeue} lists it, in the format {@link SlurmCommands#QUEUE_FORMAT} asks for.
 *
 * @param timeLeft what remains of its wall time (empty: unlimited, or not started)
 * @param comment  its --comment: infra's jobs carry {@code infra:DIGEST} of the script they run
 * @param reason   why it is pending (or "None")
 */
public record SlurmJob(String id, String name, String state, Optional<Duration> timeLeft, String comment, String reason) {
    static final String PREFIX = SlurmCluster.JOB_PREFIX;
    static final String COMMENT = SlurmCluster.COMMENT_PREFIX;

    /** True for a job infra submitted: its name and its comment both say so. */
    public boolean infras() {
        return name.startsWith(PREFIX) && comment.startsWith(COMMENT);
    }

    /** The worker group of one of infra's jobs. */
    public String group() {
        return name.substring(PREFIX.length());
    }

    /** The digest of the script it was submitted with. */
    public String digest() {
        return comment.substring(COMMENT.length());
    }

    public boolean running() {
        return state.equals("RUNNING");
    }

    public boolean pending() {
        return state.equals("PENDING") || state.equals("CONFIGURING");
    }

    /** squeue's lines ({@code id|name|state|time left|comment|reason}); lines that do not parse are skipped. */
    public static List<SlurmJob> parse(String squeue) {
        List<SlurmJob> out = new ArrayList<>();
        for (String line : squeue.split("\n")) {
            String[] f = line.strip().split("\\|", -1);
            if (f.length < 6 || !f[0].matches("[0-9_\\[\\]-]+")) {
                continue;
            }
            out.add(new SlurmJob(f[0], f[1], f[2], duration(f[3]), f[4].equals("(null)") ? "" : f[4], f[5]));
        }
        return out;
    }

    /** SLURM's [D-][HH:]MM:SS; empty for INVALID, UNLIMITED, NOT_SET and the like. */
    static Optional<Duration> duration(String s) {
        String t = s.strip();
        if (!t.matches("(\\d+-)?(\\d+:){0,2}\\d+")) {
            return Optional.empty();
        }
        long days = 0;
        boolean dayPart = t.contains("-");
        if (dayPart) {
            days = Long.parseLong(t.substring(0, t.indexOf('-')));
            t = t.substring(t.indexOf('-') + 1);
        }
        String[] parts = t.split(":");
        long seconds = 0;
        for (String p : parts) {
            seconds = seconds * 60 + Long.parseLong(p);
        }
        if (dayPart && parts.length < 3) {
            seconds *= parts.length == 1 ? 3600 : 60;   // D-HH or D-HH:MM
        }
        return Optional.of(Duration.ofDays(days).plusSeconds(seconds));
    }
}
