package dev.infra.release;

import dev.infra.diag.Messages;
import dev.infra.fleet.Fleet;
import dev.infra.inventory.Host;
import dev.infra.render.DesiredRelease;
import dev.infra.ssh.ExecResult;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads each host's release history (its audit log) and says what a rollback returns it to. */
public final class Releases {
    static final int HISTORY_LINES = 200;
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** One host's history, or why it could not be read. */
    public record HostHistory(Host host, List<DesiredRelease> wanted, Optional<ReleaseHistory> history, Optional<String> error) {}

    private Releases() {}

    /** The hosts that run a deployment shipped from git, each with its history; hosts without one are left out. */
    public static List<HostHistory> read(Fleet fleet, List<Host> hosts) {
        List<Host> shipped = hosts.stream().filter(h -> !fleet.desired(h.name()).releases().isEmpty()).toList();
        return fleet.forEach(shipped, h -> {
            List<DesiredRelease> wanted = fleet.desired(h.name()).releases();
            try {
                ExecResult r = fleet.remote(h).run(ReleaseCommands.history(HISTORY_LINES), TIMEOUT);
                if (!r.ok()) {
                    return new HostHistory(h, wanted, Optional.empty(), Optional.of(r.reason()));
                }
                return new HostHistory(h, wanted, Optional.of(ReleaseHistory.of(r.stdout().lines().toList())), Optional.empty());
            } catch (RuntimeException e) {
                return new HostHistory(h, wanted, Optional.empty(), Optional.of(Messages.of(e)));
            }
        });
    }

    /**
     * What each host returns to: {@code to} for every host when given. Otherwise the fleet's newest
     * release of the project (the latest successful move on any host) is undone: each host that
     * is where that release took it goes back to where it came from; a host elsewhere (a rollout
     * stopped before it, a failed host) is left as it is. {@code none} says why each host left out is.
     */
    public static Map<String, String> rollbackRefs(List<HostHistory> histories, Optional<String> to, Map<String, String> none) {
        Map<String, String> refs = new LinkedHashMap<>();
        Map<String, ReleaseHistory.Entry> newest = new LinkedHashMap<>();
        for (HostHistory h : histories) {
            h.history().ifPresent(history -> history.entries().stream().filter(ReleaseHistory.Entry::ok).forEach(e -> newest.merge(e.project(), e,
                    (a, b) -> b.time().compareTo(a.time()) > 0 ? b : a)));
        }
        for (HostHistory h : histories) {
            if (to.isPresent()) {
                refs.put(h.host().name(), to.get());
                continue;
            }
            if (h.error().isPresent()) {
                none.put(h.host().name(), "its history could not be read: " + h.error().get());
                continue;
            }
            String project = h.wanted().get(0).project().name();
            ReleaseHistory.Entry latest = newest.get(project);
            Optional<ReleaseHistory.Version> current = h.history().orElseThrow().versions(project).stream().findFirst();
            if (latest == null || current.isEmpty()) {
                none.put(h.host().name(), "no release by infra recorded, so no earlier version to return to (name one with --to)");
            } else if (!current.get().commit().equals(latest.to())) {
                none.put(h.host().name(), "it runs " + current.get().label() + ", not what the newest release (" + Checkout.shortSha(latest.to())
                        + ") put there: nothing of that release to undo here (name a version with --to)");
            } else {
                refs.put(h.host().name(), latest.from());
            }
        }
        return refs;
    }
}
