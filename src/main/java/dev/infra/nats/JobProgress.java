package dev.infra.nats;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * Is a job moving? From two looks at its consumer: the last time a task was picked up (a stall
 * when that is longer ago than the threshold while work remains) and the ack rate between the
 * looks (an estimated time to completion). Pure.
 */
public final class JobProgress {
    private JobProgress() {}

    public record Sample(Instant at, long ackFloor) {}

    public record Verdict(boolean active, boolean stalled, String text) {}

    public static Verdict assess(JobStream stream, JobStream.Consumer c, Optional<Sample> previous, Instant now, Duration stallAfter) {
        long remaining = c.numPending() + c.numAckPending();
        if (remaining == 0) {
            return new Verdict(false, false, "done or dead: nothing pending, ack floor " + c.ackFloorStreamSeq() + " of " + stream.lastSeq());
        }
        Instant since = c.lastDelivered().orElse(stream.created());
        Duration quiet = Duration.between(since, now);
        String eta = previous.map(p -> estimate(p, new Sample(now, c.ackFloorStreamSeq()), remaining)).orElse("ETA: measuring");
        if (quiet.compareTo(stallAfter) > 0) {
            String last = c.lastDelivered().map(t -> "last delivery at " + t).orElse("never delivered (queued at " + stream.created() + ")");
            return new Verdict(true, true, "STALLED: no task picked up in " + human(quiet) + ", " + last + "; " + remaining + " remaining");
        }
        return new Verdict(true, false, remaining + " remaining, last delivery " + human(quiet) + " ago; " + eta);
    }

    /**
     * The time to completion at the job's average rate since it was queued: for a report that looks
     * once and has no earlier look to compare with.
     */
    public static String averageEta(JobStream stream, JobStream.Consumer c, Instant now) {
        long remaining = c.numPending() + c.numAckPending();
        if (remaining == 0) {
            return "nothing left";
        }
        long done = Math.max(0, c.ackFloorStreamSeq() - stream.firstSeq() + 1);
        double seconds = Duration.between(stream.created(), now).toMillis() / 1000.0;
        if (done == 0 || seconds <= 0) {
            return "unknown: nothing acknowledged yet";
        }
        double rate = done / seconds;
        return String.format(Locale.ROOT, "about %s (%.1f acks/s so far)", human(Duration.ofSeconds((long) Math.ceil(remaining / rate))), rate);
    }

    /** The share of the stream's messages acknowledged, 0..1 (1 for an empty stream). */
    public static double done(JobStream stream, JobStream.Consumer c) {
        long total = stream.lastSeq() - stream.firstSeq() + 1;
        if (stream.lastSeq() == 0 || total <= 0) {
            return 1.0;
        }
        long done = Math.min(total, Math.max(0, c.ackFloorStreamSeq() - stream.firstSeq() + 1));
        return (double) done / total;
    }

    static String estimate(Sample before, Sample now, long remaining) {
        double seconds = Duration.between(before.at(), now.at()).toMillis() / 1000.0;
        long acked = now.ackFloor() - before.ackFloor();
        if (seconds <= 0 || acked <= 0) {
            return "ETA: unknown (no acks since the last look)";
        }
        double rate = acked / seconds;
        return String.format(Locale.ROOT, "%.1f acks/s, ETA %s", rate, human(Duration.ofSeconds((long) Math.ceil(remaining / rate))));
    }

    static String human(Duration d) {
        long s = d.toSeconds();
        if (s < 120) {
            return s + "s";
        }
        if (s < 7200) {
            return (s / 60) + "m";
        }
        return (s / 3600) + "h" + ((s % 3600) / 60) + "m";
    }
}
