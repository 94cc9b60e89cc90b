package dev.infra.view;

import dev.infra.slurm.SlurmJob;
import dev.infra.slurm.SlurmStatus;
import dev.infra.units.Durations;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** `infra slurm status`: infra's jobs on each login host, then the ones that ended recently. */
public final class SlurmViews {
    private SlurmViews() {}

    public static void status(String login, SlurmStatus st, PrintWriter out) {
        out.println("# " + login);
        if (st.queue().error().isPresent()) {
            out.println("  " + st.queue().error().get());
            return;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"JOB", "GROUP", "STATE", "TIME LEFT", "LAST OUTPUT", "REASON"});
        for (SlurmJob j : st.queue().jobs()) {
            if (!j.infras()) {
                continue;
            }
            Long mtime = st.logMtime().get(j.id());
            rows.add(new String[] {j.id(), j.group(), j.state(), j.timeLeft().map(Durations::format).orElse("-"),
                    mtime == null ? "-" : Durations.format(Duration.ofSeconds(Math.max(0, st.now() - mtime))) + " ago",
                    j.reason().equals("None") ? "" : j.reason()});
        }
        if (rows.size() == 1) {
            out.println("  no job of infra's is queued");
        } else {
            Table.print(rows, out);
        }
        for (SlurmStatus.Ended e : st.ended().values()) {
            out.println("  ended: " + e.id() + " (" + e.group() + ") " + e.state().orElse("state forgotten by SLURM") + ", exit "
                    + e.exitCode().orElse("unknown") + (e.failed() ? "; log ends: " + String.join(" | ", e.tail()) : ""));
        }
    }
}
