package dev.infra.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infra.report.FleetReport.Drift;
import dev.infra.report.FleetReport.DriftState;
import dev.infra.report.FleetReport.HostEntry;
import dev.infra.report.FleetReport.NatsSection;
import dev.infra.report.FleetReport.ServiceState;
import dev.infra.testing.Chromium;
import dev.infra.testing.Cli;
import dev.infra.verify.CheckResult;
import dev.infra.verify.Status;
import dev.infra.view.ReportHtml;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The topology as Graphviz lays it out and Chromium draws it, for a small fleet and a large one: every
 * host drawn, and no label overlapping another (measured by the page's own script in the browser).
 * Screenshots land in target/report/topology-N.png.
 */
class ReportDrawingTest {

    /** A bastion, a NATS host, an app host and {@code workers} workers; every fifth worker without NATS_URL. */
    static FleetReport fleet(int hosts) {
        List<HostEntry> entries = new ArrayList<>();
        entries.add(host("ami-cc", List.of("bastion"), Optional.empty(), true, Status.OK, List.of()));
        entries.add(host("ami-redis-1", List.of("nats"), Optional.of("ami-cc"), false, Status.OK,
                List.of(new ServiceState("nats", "nats", 1, 1))));
        entries.add(host("ami-live", List.of("app"), Optional.of("ami-cc"), false, Status.OK,
                List.of(new ServiceState("ami-platform", "django", 1, 1), new ServiceState("ami-platform", "celeryworker", 1, 1))));
        for (int i = 1; entries.size() < hosts; i++) {
            boolean broken = i % 5 == 0;
            entries.add(host(String.format("ami-worker-%02d", i), List.of("worker"), Optional.of("ami-cc"), false,
                    broken ? Status.CRIT : Status.OK, List.of(new ServiceState("ami-platform", "celeryworker", broken ? 0 : 1, 1))));
        }
        return new FleetReport("inventory/fleet.yml", Instant.parse("2026-11-28T20:00:00Z"), Duration.ofSeconds(2), entries,
                new NatsSection(List.of(), List.of(), Optional.empty()), List.of());
    }

    static HostEntry host(String name, List<String> roles, Optional<String> via, boolean jump, Status status, List<ServiceState> services) {
        List<CheckResult> checks = List.of(new CheckResult("ssh", name, Status.OK, "reachable", "", Duration.ofMillis(5)),
                new CheckResult("env", name, status, status == Status.OK ? "NATS_URL set" : "celeryworker runs without NATS_URL",
                        status == Status.OK ? "" : "infra apply --limit " + name, Duration.ofMillis(5)));
        List<String> nats = roles.contains("worker") || roles.contains("app") ? List.of("ami-redis-1") : List.of();
        return new HostEntry(name, "10.0.0.1", roles, via, jump, status, services, checks, nats,
                new Drift(DriftState.IN_SYNC, List.of(), ""), Optional.empty(), true);
    }

    @Test
    void whatHostsSayIsEscapedNotMarkup() {
        FleetReport r = fleet(4);
        HostEntry w = r.hosts().get(3);
        HostEntry evil = new HostEntry(w.name(), w.address(), w.roles(), w.via(), false, Status.CRIT, w.services(),
                List.of(new CheckResult("env", w.name(), Status.CRIT, "<script>alert(1)</script> & \"quoted\"", "x' onload='y", Duration.ZERO)),
                w.natsTargets(), w.drift(), w.lastApply(), true);
        List<HostEntry> hosts = new ArrayList<>(r.hosts().subList(0, 3));
        hosts.add(evil);
        String html = ReportHtml.render(new FleetReport(r.inventory(), r.generated(), r.took(), hosts, r.nats(), List.of("<b>x</b>")),
                new Graphviz.Drawing("", "no dot"));
        assertThat(html).doesNotContain("<script>alert").contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quoted&quot;")
                .doesNotContain("<b>x</b>").contains("x&#39; onload=&#39;y");
    }

    @ParameterizedTest
    @ValueSource(ints = {4, 25})
    void everyHostIsDrawnAndNoLabelOverlapsAnother(int hosts, @TempDir Path profile) throws Exception {
        FleetReport report = fleet(hosts);
        Graphviz.Drawing drawing = Graphviz.svg(Topology.dot(report), Duration.ofSeconds(30));
        assertThat(drawing.missing()).isEmpty();
        Path html = Cli.repo().resolve("target/report/topology-" + hosts + ".html");
        Files.createDirectories(html.getParent());
        Files.writeString(html, ReportHtml.render(report, drawing));

        Document dom = Chromium.dom(html, 1400, 1800, profile);
        Chromium.screenshot(html, html.resolveSibling("topology-" + hosts + ".png"), 1400, 1800, profile);
        for (HostEntry h : report.hosts()) {
            assertThat(dom.select("#topology svg #node-" + h.name())).as(h.name()).isNotEmpty();
        }
        assertThat(Integer.parseInt(dom.body().attr("data-labels"))).isGreaterThanOrEqualTo(hosts * 2);
        assertThat(dom.body().attr("data-overlaps")).as("overlapping labels").isEqualTo("0");
    }
}
