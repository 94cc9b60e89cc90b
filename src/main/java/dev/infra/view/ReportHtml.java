package dev.infra.view;

import dev.infra.report.FleetReport;
import dev.infra.report.FleetReport.HostEntry;
import dev.infra.report.FleetReport.JobRow;
import dev.infra.report.Graphviz;
import dev.infra.verify.CheckResult;
import io.pebbletemplates.pebble.PebbleEngine;
import io.pebbletemplates.pebble.loader.ClasspathLoader;
import io.pebbletemplates.pebble.template.PebbleTemplate;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The fleet report as one self-contained HTML page (styles, drawing and script inline; nothing is
 * fetched when it is opened), from the template report/fleet.html.peb with HTML escaping on.
 */
public final class ReportHtml {
    private ReportHtml() {}

    public static String render(FleetReport r, Graphviz.Drawing drawing) {
        ClasspathLoader loader = new ClasspathLoader(ReportHtml.class.getClassLoader());
        loader.setPrefix("report");
        PebbleEngine engine = new PebbleEngine.Builder().loader(loader).strictVariables(true).autoEscaping(true).build();
        PebbleTemplate t = engine.getTemplate("fleet.html.peb");
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("inventory", r.inventory());
        m.put("status", r.status().name());
        m.put("hostCount", r.hosts().size());
        m.put("generated", r.generated().truncatedTo(ChronoUnit.SECONDS).toString());
        m.put("took", String.format(Locale.ROOT, "%.1fs", r.took().toMillis() / 1000.0));
        m.put("unread", r.unread());
        m.put("drawn", drawing.drawn());
        m.put("svg", drawing.svg());
        m.put("drawingMissing", drawing.missing());
        m.put("hosts", r.hosts().stream().map(h -> host(h, r.generated())).toList());
        m.put("natsUnreadable", r.nats().unreadable().orElse(""));
        m.put("natsChecks", r.nats().checks().stream().map(ReportHtml::check).toList());
        m.put("jobs", r.nats().jobs().stream().map(j -> job(j, r.generated())).toList());
        StringWriter out = new StringWriter();
        try {
            t.evaluate(out, m);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static Map<String, Object> host(HostEntry h, Instant now) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", h.name());
        m.put("status", h.status().name());
        m.put("address", h.address().isEmpty() ? "(ssh_config alias)" : h.address());
        m.put("reach", h.via().map(v -> "through " + v).orElse("direct"));
        m.put("path", "you → " + h.via().map(v -> v + " → ").orElse("") + h.name()
                + (h.natsTargets().isEmpty() ? "" : " ⇢ NATS on " + String.join(", ", h.natsTargets())) + " (" + h.status() + ")");
        m.put("roles", h.roles());
        m.put("failing", h.failing().stream().map(ReportHtml::check).toList());
        m.put("checks", h.checks().stream().map(ReportHtml::check).toList());
        m.put("checkCount", h.checks().size());
        List<Map<String, Object>> services = new ArrayList<>();
        for (FleetReport.ServiceState s : h.services()) {
            services.add(Map.of("name", s.project() + "/" + s.service(),
                    "count", (s.running() < 0 ? "not read" : s.running()) + " / " + s.wanted(),
                    "status", s.running() < 0 ? "UNKNOWN" : s.up() ? "OK" : "CRIT"));
        }
        m.put("services", services);
        m.put("driftState", h.drift().state().name());
        m.put("drift", switch (h.drift().state()) {
            case IN_SYNC -> "in sync with the inventory";
            case DRIFTED -> h.drift().changes().size() + " change(s) pending: `infra plan --limit " + h.name() + "` shows them";
            case UNKNOWN -> "unknown (" + h.drift().why() + ")";
        });
        m.put("driftChanges", h.drift().changes());
        m.put("lastApply", h.lastApply().map(a -> a.result() + " · " + ago(a.time(), now) + " by " + a.who() + " (" + a.command() + ")"
                + (a.changes().isEmpty() ? "" : ": " + String.join("; ", a.changes())) + (a.error().isEmpty() ? "" : " · " + a.error()))
                .orElse(h.auditRead() ? "none recorded (no ~/.infra/audit.log)" : "not read (the host did not answer in time)"));
        return m;
    }

    private static String ago(String time, Instant now) {
        try {
            return JetStreamViews.ago(Optional.of(Instant.parse(time)), now) + " (" + time + ")";
        } catch (RuntimeException e) {
            return time;
        }
    }

    private static Map<String, Object> check(CheckResult c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", c.id());
        m.put("host", c.host());
        m.put("status", c.status().name());
        m.put("message", c.message());
        m.put("fix", c.fix() == null ? "" : c.fix());
        return m;
    }

    private static Map<String, Object> job(JobRow j, Instant now) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("job", j.jobId());
        m.put("stream", j.stream());
        m.put("stale", j.stale());
        m.put("percent", String.valueOf((int) Math.floor(j.progress() * 100)));
        m.put("age", JetStreamViews.human(j.age()));
        m.put("messages", String.valueOf(j.messages()));
        m.put("pending", String.valueOf(j.pending()));
        m.put("ackPending", String.valueOf(j.ackPending()));
        m.put("redelivered", String.valueOf(j.redelivered()));
        m.put("deadLetters", String.valueOf(j.deadLetters()));
        m.put("lastActivity", JetStreamViews.ago(j.lastActivity(), now));
        m.put("eta", j.eta());
        return m;
    }
}
