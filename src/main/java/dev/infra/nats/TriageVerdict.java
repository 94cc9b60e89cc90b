package dev.infra.nats;

import java.util.List;
import java.util.Optional;

/**
 * The operators' triage reasoning, in the order they learned to ask: is the job even there, can the
 * workers talk to NATS at all, did messages die, is anyone picking tasks up. Pure: facts in, verdict out.
 */
public final class TriageVerdict {
    private TriageVerdict() {}

    /** What triage found on one worker/app host. */
    public record WorkerFacts(String host, Optional<String> envProblem, Optional<String> reachProblem, List<String> errorSamples) {}

    public record Facts(String jobId, Optional<JobStream> stream, Optional<JobStream.Consumer> consumer,
                        long deadLetters, Optional<String> deadDetail, Optional<JobProgress.Verdict> progress,
                        List<WorkerFacts> workers) {}

    public record Verdict(boolean problem, String cause, String fix) {}

    public static Verdict decide(Facts f) {
        for (WorkerFacts w : f.workers()) {
            if (w.envProblem().isPresent()) {
                return new Verdict(true, "NATS_URL on " + w.host() + ": " + w.envProblem().get()
                        + ". Its workers connect to localhost and every ack fails (the job-2226 incident).",
                        "infra apply --limit " + w.host());
            }
        }
        for (WorkerFacts w : f.workers()) {
            if (w.reachProblem().isPresent()) {
                return new Verdict(true, w.host() + " cannot reach NATS: " + w.reachProblem().get(),
                        "open the path from " + w.host() + " to the NATS host (firewall, routes), then infra verify");
            }
        }
        if (f.stream().isEmpty()) {
            return new Verdict(true, "job " + f.jobId() + " has no stream: it was never queued, or it finished and was cleaned up",
                    "check the job's status in the app");
        }
        if (f.consumer().isEmpty()) {
            return new Verdict(true, "stream " + f.stream().get().name() + " has no job consumer: no worker can pull its tasks",
                    "re-queue the job from the app (it creates the consumer)");
        }
        if (f.deadLetters() > 0) {
            return new Verdict(true, f.deadLetters() + " message(s) exhausted max_deliver " + f.consumer().get().maxDeliver()
                    + f.deadDetail().map(d -> " (" + d + ")").orElse("") + ": NATS will never deliver them again, so the job hangs",
                    "mark the job failed (or re-queue those images) and look for the permanent error in the worker logs above");
        }
        JobStream.Consumer c = f.consumer().get();
        if (c.deliveredStreamSeq() == 0 && c.numPending() > 0) {
            return new Verdict(true, "job " + f.jobId() + " never started: none of its " + c.numPending()
                    + " task(s) was ever handed to a worker" + f.progress().map(p -> " (" + p.text() + ")").orElse(""),
                    "check that workers run, pull from job streams and reach NATS: infra verify");
        }
        if (f.progress().isPresent() && f.progress().get().stalled()) {
            return new Verdict(true, "no worker is picking up tasks: " + f.progress().get().text(),
                    "check that workers run and subscribe to job streams: infra verify");
        }
        if (f.progress().isPresent() && f.progress().get().active()) {
            return new Verdict(false, "the job is progressing: " + f.progress().get().text(), "");
        }
        return new Verdict(false, "nothing pending and nothing dead: the job's tasks are all acked", "");
    }
}
