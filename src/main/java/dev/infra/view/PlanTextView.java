package dev.infra.view;

import dev.infra.diag.Style;
import dev.infra.nats.JetStreamSnapshot;
import dev.infra.plan.Action;
import dev.infra.plan.Plan.EnvChange;
import dev.infra.plan.Plan.FileChange;
import dev.infra.plan.Plan.HostPlan;
import dev.infra.plan.Plan.ServiceChange;
import dev.infra.plan.Plan;
import dev.infra.slurm.SlurmChange;
import java.io.PrintWriter;
import java.util.EnumSet;
import java.util.Set;

/** Terraform-style text: a legend, per host what changes and why, then the one-line summary. */
public final class PlanTextView {
    private final Style style;

    public PlanTextView(Style style) {
        this.style = style;
    }

    public void render(Plan plan, PrintWriter out) {
        Plan.Summary summary = plan.summary();
        notes(plan, style, out);
        for (HostPlan h : plan.hosts()) {
            h.error().ifPresent(e -> out.println(style.red("Error: ") + e));
        }
        if (summary.empty()) {
            if (!plan.hasErrors()) {
                out.println(style.green("No changes.") + " The fleet matches the inventory.");
            } else {
                out.println("No changes on the hosts that could be read; the hosts above could not be checked.");
            }
            out.flush();
            return;
        }
        Set<Action> used = EnumSet.noneOf(Action.class);
        plan.hosts().forEach(h -> {
            h.files().forEach(f -> {
                used.add(f.action());
                f.env().forEach(e -> used.add(e.action()));
            });
            h.services().forEach(s -> used.add(s.action()));
            if (!h.versions().isEmpty()) {
                used.add(Action.UPDATE);
            }
        });
        out.println("Resource actions are indicated with the following symbols:");
        for (Action a : Action.values()) {
            if (used.contains(a)) {
                out.println(String.format("%5s %s", colour(a, a.symbol()), a.verb()));
            }
        }
        out.println();
        out.println("infra will perform the following actions:");
        for (HostPlan h : plan.hosts()) {
            if (!h.hasChanges()) {
                continue;
            }
            out.println();
            out.println(style.bold("  # " + h.host()) + " (" + String.join(", ", h.roles()) + ", " + h.reach() + ")");
            for (FileChange f : h.files()) {
                if (f.isEnv()) {
                    out.println(String.format("%5s env file %s (managed keys only; every other line is kept)",
                            colour(f.action(), f.action().symbol()), f.path()));
                    for (EnvChange e : f.env()) {
                        String line = e.action() == Action.CREATE ? "+ " + e.key() + "=" + e.after()
                                : "~ " + e.key() + "=" + e.before().orElse("") + " -> " + e.after();
                        out.println("        " + colour(e.action(), line));
                    }
                } else {
                    out.println(String.format("%5s file %s", colour(f.action(), f.action().symbol()), f.path()));
                    for (String line : f.diff().split("\n")) {
                        if (line.isEmpty()) {
                            continue;
                        }
                        String shown = line.startsWith("+") && !line.startsWith("+++") ? style.green(line)
                                : line.startsWith("-") && !line.startsWith("---") ? style.red(line)
                                : line.startsWith("@@") ? style.cyan(line) : line;
                        out.println("        " + shown);
                    }
                }
            }
            for (Plan.VersionChange v : h.versions()) {
                String moves = v.behind() > 0 && v.ahead() == 0 ? v.behind() + " commit(s) back"
                        : v.ahead() + " commit(s)" + (v.behind() > 0 ? ", " + v.behind() + " left behind" : "");
                out.println(String.format("%5s version %s: %s (%s), %s", style.yellow("~"), v.project(), v.range(), v.ref(), moves));
                v.log().forEach(l -> out.println("        " + l));
                if (v.ahead() > v.log().size()) {
                    out.println("        … " + (v.ahead() - v.log().size()) + " more");
                }
                v.command().ifPresent(c -> out.println(style.yellow("    ! ") + "release command, once, before the rollout: " + c));
                v.blocker().ifPresent(b -> out.println(style.red("    ! ") + "apply will stop on this host: " + b));
            }
            for (ServiceChange s : h.services()) {
                out.println(String.format("%5s service %s/%s (%s)", colour(s.action(), s.action().symbol()),
                        s.project(), s.service(), s.detail()));
            }
            h.storeMove().ifPresent(m -> storeMove(m, out));
            for (SlurmChange c : h.slurm()) {
                boolean submit = c.kind() == SlurmChange.Kind.SUBMIT;
                out.println(String.format("%5s slurm %s: %s", submit ? style.green("+") : style.red("-"), c.group(), c.detail()));
            }
        }
        out.println();
        out.println(style.bold("Plan: ") + summary.add() + " to add, " + summary.change() + " to change, "
                + summary.remove() + " to remove.");
        out.flush();
    }

    /** The app's own changes infra saw and leaves alone: never part of the plan's count. */
    static void notes(Plan plan, Style style, PrintWriter out) {
        for (HostPlan h : plan.hosts()) {
            h.notes().forEach(n -> out.println(style.cyan("Note: ") + h.host() + ": " + n));
        }
    }

    /** What a recreate of NATS puts at stake, read from the server, and how apply keeps it. */
    private void storeMove(Plan.StoreMove m, PrintWriter out) {
        if (!m.readable()) {
            out.println(style.red("    ! ") + "JetStream in " + m.container() + " could not be read (" + m.unreadable() + "): recreating it"
                    + " may lose every stream it holds. apply refuses unless --allow-data-loss.");
            return;
        }
        JetStreamSnapshot at = m.atStake();
        if (m.joinsCluster()) {
            out.println(style.yellow("    ! ") + "this standalone server joins the NATS cluster, which does not take its streams by itself");
            out.println("        at stake: " + atStake(at));
            out.println("        apply starts the other servers first; then it stops NATS here, copies its store out (kept as a backup),"
                    + " snapshots every stream from the copy, starts it as a cluster member with an empty store, waits until the"
                    + " cluster is whole and restores each stream as R" + m.joinReplicas() + "; every stream's messages and consumer's"
                    + " ack floor are checked against the snapshot; if anything is missing it puts the old server back with its data");
            return;
        }
        out.println(style.yellow("    ! ") + "JetStream's store moves: " + m.from() + " in " + m.container() + " (lost if the container is"
                + " recreated as is) -> " + m.to() + " on volume " + m.volume());
        out.println("        at stake: " + atStake(at));
        out.println("        apply stops NATS cleanly, copies the store into the volume, starts it and checks every stream and"
                + " consumer before going on; if anything is missing it puts the old container back with its data");
    }

    private static String atStake(JetStreamSnapshot at) {
        return at.streams().size() + " stream(s), " + at.messages() + " message(s) ("
                + String.join(", ", at.streams().stream().map(s -> s.name() + ": " + s.messages()).toList()) + ")"
                + (at.work().isEmpty() ? "; no consumer has work left" : "; work left: " + String.join(", ", at.work()));
    }

    private String colour(Action a, String s) {
        return switch (a) {
            case CREATE -> style.green(s);
            case DELETE -> style.red(s);
            case REPLACE -> style.red(s);
            default -> style.yellow(s);
        };
    }
}
