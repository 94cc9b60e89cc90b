package dev.infra.observe;

import dev.infra.render.ComposeProject;
import java.util.ArrayList;
import java.util.List;

/**
 * Containers outside infra's compose projects that hold a port infra needs (a NATS started by hand
 * in another directory): infra must not start a second one beside it. Pure: desired projects and the
 * host's running containers in, conflicts out.
 */
public final class PortConflicts {
    private PortConflicts() {}

    /** A running container of the host: name, compose project and directory (empty if none), the host ports it publishes. */
    public record Running(String name, String project, String workingDir, List<Integer> hostPorts) {}

    public record Conflict(Running holder, int port, ComposeProject wantedBy) {
        public String describe() {
            String where = holder.project().isEmpty() ? "not a compose project"
                    : "compose project '" + holder.project() + "'" + (holder.workingDir().isEmpty() ? "" : " in " + holder.workingDir());
            return "container " + holder.name() + " (" + where + ") holds port " + port + ", which " + wantedBy.name()
                    + " needs: adopt it (point the inventory's deploy_dir at " + (holder.workingDir().isEmpty() ? "its directory"
                    : holder.workingDir()) + " so infra manages that project) or stop it (docker stop " + holder.name()
                    + "); infra does not start a second server on the same port";
        }
    }

    public static List<Conflict> find(List<ComposeProject> desired, List<Running> running) {
        List<Conflict> out = new ArrayList<>();
        for (Running r : running) {
            if (desired.stream().anyMatch(p -> p.name().equals(r.project()))) {
                continue;   // infra's own project: apply recreates it in place
            }
            for (ComposeProject p : desired) {
                for (int port : p.hostPorts()) {
                    if (r.hostPorts().contains(port)) {
                        out.add(new Conflict(r, port, p));
                    }
                }
            }
        }
        return out;
    }
}
