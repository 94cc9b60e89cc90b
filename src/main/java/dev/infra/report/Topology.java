package dev.infra.report;

import dev.infra.report.FleetReport.HostEntry;
import dev.infra.report.FleetReport.ServiceState;
import dev.infra.verify.Status;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The fleet as a Graphviz drawing (DOT text): the operator's machine, the jump hosts, every host with
 * its roles and services, an SSH arrow along each connection path and a dashed arrow for each host's
 * path to NATS, each coloured by its verify status. Graphviz places everything; nothing here has coordinates.
 */
public final class Topology {
    /** The operator's machine: a name no host can have (host names take no parentheses). */
    static final String OPERATOR = "(you)";
    /** Fill and line colour per status. */
    static final Map<Status, String[]> COLOURS = Map.of(
            Status.OK, new String[] {"#e3f4e6", "#2e7d32"},
            Status.WARN, new String[] {"#fff4d6", "#b26a00"},
            Status.CRIT, new String[] {"#fde2e1", "#c62828"},
            Status.UNKNOWN, new String[] {"#eceff1", "#546e7a"});

    private Topology() {}

    public static String dot(FleetReport r) {
        StringBuilder s = new StringBuilder();
        s.append("digraph fleet {\n")
                .append("  graph [rankdir=LR, nodesep=0.25, ranksep=0.9, fontname=\"Helvetica\", bgcolor=\"transparent\"];\n")
                .append("  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=11, margin=\"0.12,0.06\"];\n")
                .append("  edge [fontname=\"Helvetica\", fontsize=9, arrowsize=0.7];\n")
                .append("  ").append(id(OPERATOR)).append(" [id=\"operator-machine\", shape=box, style=\"rounded\", ")
                .append("label=<<b>you</b><br/><font point-size=\"9\">operator's machine</font>>];\n");
        for (HostEntry h : r.hosts()) {
            String[] c = COLOURS.get(h.status());
            s.append("  ").append(id(h.name())).append(" [id=\"node-").append(attr(h.name())).append("\", fillcolor=\"").append(c[0])
                    .append("\", color=\"").append(c[1]).append("\", penwidth=").append(h.status() == Status.OK ? "1" : "2")
                    .append(", label=<").append(label(h)).append(">];\n");
        }
        // A jump host outside the report (a --limit that left it out) is still on the path.
        r.hosts().stream().map(HostEntry::via).flatMap(Optional::stream).distinct()
                .filter(v -> r.hosts().stream().noneMatch(h -> h.name().equals(v)))
                .forEach(v -> s.append("  ").append(id(v)).append(" [id=\"node-").append(attr(v)).append("\", style=\"rounded,dashed\", ")
                        .append("label=<<b>").append(html(v)).append("</b><br/><font point-size=\"9\">jump host (not in this report)</font>>];\n")
                        .append("  ").append(id(OPERATOR)).append(" -> ").append(id(v)).append(" [label=\"ssh\"];\n"));
        for (HostEntry h : r.hosts()) {
            String from = h.via().orElse(OPERATOR);
            s.append("  ").append(id(from)).append(" -> ").append(id(h.name())).append(" [label=\"ssh\", color=\"")
                    .append(COLOURS.get(sshStatus(h))[1]).append("\"];\n");
        }
        for (HostEntry h : r.hosts()) {
            for (String nats : h.natsTargets()) {
                if (nats.equals(h.name())) {
                    continue;
                }
                s.append("  ").append(id(h.name())).append(" -> ").append(id(nats)).append(" [label=\"nats\", style=dashed, color=\"")
                        .append(COLOURS.get(h.reachStatus())[1]).append("\", fontcolor=\"").append(COLOURS.get(h.reachStatus())[1])
                        .append("\"];\n");
            }
        }
        return s.append("}\n").toString();
    }

    /** The SSH path's colour: the host's "ssh" check. */
    static Status sshStatus(HostEntry h) {
        return h.checks().stream().filter(c -> c.id().equals("ssh")).map(c -> c.status()).findFirst().orElse(Status.UNKNOWN);
    }

    private static String label(HostEntry h) {
        StringBuilder l = new StringBuilder("<b>").append(html(h.name())).append("</b>");
        l.append("<br/><font point-size=\"9\">").append(html(String.join(", ", h.roles()))).append("</font>");
        for (ServiceState s : h.services()) {
            String count = s.running() < 0 ? "?" : String.valueOf(s.running());
            l.append("<br/><font point-size=\"9\">").append(html(s.service())).append(' ').append(count).append('/').append(s.wanted())
                    .append("</font>");
        }
        return l.toString();
    }

    private static String id(String name) {
        return "\"" + attr(name) + "\"";
    }

    private static String attr(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private static String html(String s) {
        return s.chars().mapToObj(ch -> switch (ch) {
            case '&' -> "&amp;";
            case '<' -> "&lt;";
            case '>' -> "&gt;";
            case '"' -> "&quot;";
            default -> String.valueOf((char) ch);
        }).collect(Collectors.joining());
    }
}
