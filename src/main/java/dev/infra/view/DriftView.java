package dev.infra.view;

import dev.infra.diag.Style;
import dev.infra.plan.Action;
import dev.infra.plan.Plan;
import java.io.PrintWriter;

/** drift's short per-host report: what differs, not the whole diff (that is `infra plan`). */
public final class DriftView {
    private final Style style;

    public DriftView(Style style) {
        this.style = style;
    }

    public void render(Plan plan, PrintWriter out) {
        PlanTextView.notes(plan, style, out);
        int drifted = 0;
        for (Plan.HostPlan h : plan.hosts()) {
            if (h.error().isPresent()) {
                out.println(style.red("ERROR ") + h.host() + ": " + h.error().get());
                continue;
            }
            if (!h.hasChanges()) {
                continue;
            }
            drifted++;
            out.println(style.yellow("DRIFT ") + h.host());
            for (Plan.FileChange file : h.files()) {
                if (file.isEnv()) {
                    file.env().forEach(e -> out.println("  env " + file.path() + ": " + e.key()
                            + (e.before().isEmpty() ? " missing" : " is " + e.before().get()) + ", want " + e.after()));
                } else {
                    out.println("  file " + file.path() + (file.action() == Action.CREATE ? " missing" : " differs")
                            + " (" + changedLines(file.diff()) + " lines)");
                }
            }
            h.services().forEach(s -> out.println("  service " + s.project() + "/" + s.service() + ": " + s.detail()));
            h.slurm().forEach(c -> out.println("  slurm " + c.group() + ": " + c.detail()));
        }
        if (drifted == 0 && !plan.hasErrors()) {
            out.println(style.green("OK") + " no drift: " + plan.hosts().size() + " host(s) match the inventory.");
        } else if (drifted > 0) {
            out.println(drifted + " host(s) drifted. `infra plan` shows the details; `infra apply` puts them back.");
        }
        out.flush();
    }

    private static long changedLines(String diff) {
        return diff.lines().filter(l -> (l.startsWith("+") && !l.startsWith("+++")) || (l.startsWith("-") && !l.startsWith("---"))).count();
    }
}
