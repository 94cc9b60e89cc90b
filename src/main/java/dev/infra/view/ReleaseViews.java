package dev.infra.view;

import dev.infra.release.ReleaseHistory;
import dev.infra.release.Releases.HostHistory;
import dev.infra.render.DesiredRelease;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** `infra releases`: per host and project, the version it runs now, since when, and the ones before. */
public final class ReleaseViews {
    private ReleaseViews() {}

    public static void history(List<HostHistory> hosts, PrintWriter out) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"HOST", "PROJECT", "WANTED", "CURRENT", "SINCE", "PREVIOUS"});
        List<String> unread = new ArrayList<>();
        for (HostHistory h : hosts) {
            if (h.error().isPresent()) {
                unread.add(h.host().name() + ": " + h.error().get());
                continue;
            }
            for (DesiredRelease r : h.wanted()) {
                String project = r.project().name();
                List<ReleaseHistory.Version> versions = h.history().orElseThrow().versions(project);
                if (versions.isEmpty()) {
                    rows.add(new String[] {h.host().name(), project, r.release().ref(), "(no release by infra yet)", "-", "-"});
                    continue;
                }
                String previous = String.join(", ", versions.subList(1, versions.size()).stream().map(ReleaseHistory.Version::label).toList());
                rows.add(new String[] {h.host().name(), project, r.release().ref(), versions.get(0).label(), versions.get(0).since(),
                        previous.isEmpty() ? "-" : previous});
            }
        }
        Table.print(rows, out);
        unread.forEach(u -> out.println("not read: " + u));
        out.flush();
    }
}
