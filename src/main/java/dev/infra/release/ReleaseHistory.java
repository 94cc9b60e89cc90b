package dev.infra.release;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A host's versions of the app, from its audit log: every apply that moved a checkout wrote the
 * project, the ref and the commits from and to. Pure: audit lines in, history out.
 */
public final class ReleaseHistory {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One move of one project's checkout, as an apply recorded it. */
    public record Entry(String time, String who, String command, boolean ok, String project, String ref, String from, String to,
                        String fromRef) {}

    /** A version a host ran: the commit and the name it was released under (a tag or branch; the commit itself when none). */
    public record Version(String commit, String name, String since) {
        public String label() {
            String sha = Checkout.shortSha(commit);
            return name.startsWith(sha) || commit.startsWith(name) ? sha : name + " (" + sha + ")";
        }
    }

    private final List<Entry> entries;

    private ReleaseHistory(List<Entry> entries) {
        this.entries = entries;
    }

    /** Parses audit lines (JSON objects, oldest first); lines without a release, or unreadable, are skipped. */
    public static ReleaseHistory of(List<String> auditLines) {
        List<Entry> out = new ArrayList<>();
        for (String line : auditLines) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode n;
            try {
                n = JSON.readTree(line);
            } catch (IOException e) {
                continue;
            }
            for (JsonNode r : n.path("release")) {
                out.add(new Entry(n.path("time").asText(), n.path("who").asText(), n.path("command").asText(), "ok".equals(n.path("result").asText()),
                        r.path("project").asText(), r.path("ref").asText(), r.path("from").asText(), r.path("to").asText(),
                        r.path("from_ref").asText("")));
            }
        }
        return new ReleaseHistory(List.copyOf(out));
    }

    public List<Entry> entries() {
        return entries;
    }

    /** The projects with a recorded release, in order of first appearance. */
    public List<String> projects() {
        return entries.stream().map(Entry::project).distinct().toList();
    }

    /**
     * The versions {@code project} ran, newest first: where each successful release took it, and
     * where the first one started from. The first is the current one.
     */
    public List<Version> versions(String project) {
        List<Entry> ok = entries.stream().filter(e -> e.ok() && e.project().equals(project)).toList();
        if (ok.isEmpty()) {
            return List.of();
        }
        Map<String, String> names = names(project);
        List<Version> out = new ArrayList<>();
        Entry first = ok.get(0);
        out.add(new Version(first.from(), names.getOrDefault(first.from(), first.from()), ""));
        for (Entry e : ok) {
            out.add(0, new Version(e.to(), names.getOrDefault(e.to(), e.to()), e.time()));
        }
        return List.copyOf(out);
    }

    /** The version before the current one: what a rollback returns to. */
    public Optional<Version> previous(String project) {
        List<Entry> ok = entries.stream().filter(e -> e.ok() && e.project().equals(project)).toList();
        if (ok.isEmpty()) {
            return Optional.empty();
        }
        String from = ok.get(ok.size() - 1).from();
        return Optional.of(new Version(from, names(project).getOrDefault(from, from), ""));
    }

    /** Commit → the first name (not a commit id) it was released under. */
    private Map<String, String> names(String project) {
        Map<String, String> names = new LinkedHashMap<>();
        for (Entry e : entries) {
            if (!e.project().equals(project)) {
                continue;
            }
            if (!e.to().startsWith(e.ref())) {
                names.putIfAbsent(e.to(), e.ref());
            }
            if (!e.fromRef().isEmpty()) {
                names.putIfAbsent(e.from(), e.fromRef());
            }
        }
        return names;
    }
}
