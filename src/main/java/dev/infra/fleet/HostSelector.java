package dev.infra.fleet;

import dev.infra.inventory.Host;
import dev.infra.inventory.Inventory;
import dev.infra.inventory.Role;
import dev.infra.yaml.Suggest;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** `--limit` as Ansible users know it: host names, role names and globs, comma-separated. */
public final class HostSelector {
    private HostSelector() {}

    public static List<Host> select(Inventory inv, String limit) {
        if (limit == null || limit.isBlank()) {
            return List.copyOf(inv.hosts().values());
        }
        Set<String> chosen = new LinkedHashSet<>();
        for (String term : limit.split(",")) {
            String t = term.strip();
            if (t.isEmpty()) {
                continue;
            }
            int before = chosen.size();
            if (inv.hosts().containsKey(t)) {
                chosen.add(t);
            } else if (Role.parse(t).isPresent()) {
                // Selecting hosts by the role a user names, not deciding what they do.
                Role role = Role.parse(t).get();
                inv.hosts().values().stream().filter(h -> h.roles().contains(role)).forEach(h -> chosen.add(h.name()));
            } else if (t.contains("*") || t.contains("?") || t.contains("[")) {
                var matcher = FileSystems.getDefault().getPathMatcher("glob:" + t);
                inv.hosts().keySet().stream().filter(n -> matcher.matches(Path.of(n))).forEach(chosen::add);
            }
            if (chosen.size() == before && !inv.hosts().containsKey(t)) {
                List<String> names = new ArrayList<>(inv.hosts().keySet());
                names.addAll(Role.ids());
                throw new IllegalArgumentException("--limit " + t + " matches no host or role of " + inv.file() + "."
                        + Suggest.didYouMean(t, names));
            }
        }
        return inv.hosts().values().stream().filter(h -> chosen.contains(h.name())).toList();
    }
}
