package dev.infra.view;

import dev.infra.diag.Style;
import dev.infra.nats.JobStream;
import dev.infra.triage.TriageReport;
import dev.infra.units.Durations;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;

/** `infra triage JOB` for people: JetStream, workers, recent errors, then the verdict. */
public final class TriageView {
    private TriageView() {}

    public static void render(TriageReport r, Style style, PrintWriter out) {
        out.println("Triage of job " + r.job() + " (" + r.inventory() + ")");
        out.println();
        out.println(style.bold("JetStream"));
        if (r.jetStreamError().isPresent()) {
            out.println("  cannot read JetStream: " + r.jetStreamError().get());
        } else if (r.stream().isEmpty()) {
            out.println("  no stream " + r.streamName());
        } else {
            JobStream s = r.stream().get();
            out.println("  stream " + s.name() + ": " + s.messages() + " message(s), seq " + s.firstSeq() + ".." + s.lastSeq()
                    + ", created " + JetStreamViews.ago(Optional.of(s.created()), r.at()));
            if (r.consumer().isEmpty()) {
                out.println("  no consumer " + r.consumerName());
            } else {
                JobStream.Consumer c = r.consumer().get();
                out.println("  consumer " + c.name() + ": pending " + c.numPending() + ", ack pending " + c.numAckPending()
                        + ", redelivered " + c.numRedelivered() + ", delivered seq " + c.deliveredStreamSeq()
                        + ", ack floor " + c.ackFloorStreamSeq() + ", last delivery " + JetStreamViews.ago(c.lastDelivered(), r.at()));
                out.println("  max_deliver " + c.maxDeliver() + ", ack_wait " + Durations.format(c.ackWait()) + " (policy: "
                        + r.policy().maxDeliver() + ", " + Durations.format(r.policy().ackWait()) + ")");
                out.println("  dead letters: " + (r.deadLetters() == 0 ? "none" : r.deadLetters() + " (" + r.deadDetail().orElse("") + ")"));
                r.progress().ifPresent(p -> out.println("  progress: " + p.text()));
            }
        }
        out.println();
        out.println(style.bold("Workers"));
        r.workers().forEach((host, lines) -> out.println("  " + host + ": " + String.join("; ", lines)));
        out.println();
        out.println(style.bold("Recent errors in container logs (last " + r.since() + ")"));
        if (r.errors().values().stream().allMatch(List::isEmpty)) {
            out.println("  none");
        }
        r.errors().forEach((host, lines) -> lines.forEach(l -> out.println("  " + host + " " + l)));
        out.println();
        out.println(style.bold("Verdict"));
        out.println("  " + (r.verdict().problem() ? style.red("CAUSE: ") : style.green("OK: ")) + r.verdict().cause());
        if (!r.verdict().fix().isEmpty()) {
            out.println("  " + style.cyan("FIX:   ") + r.verdict().fix());
        }
        out.flush();
    }
}
