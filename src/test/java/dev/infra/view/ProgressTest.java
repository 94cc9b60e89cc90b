package dev.infra.view;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.junit.jupiter.api.Test;

/** The progress line as a terminal receives it, and the plain lines a log gets. */
class ProgressTest {

    @Test
    void onAnXtermTheStatusLineIsRewrittenInPlaceAndClearedAtTheEnd() throws Exception {
        ByteArrayOutputStream screen = new ByteArrayOutputStream();
        Terminal xterm = TerminalBuilder.builder().system(false).type("xterm").size(new Size(60, 24))
                .streams(new ByteArrayInputStream(new byte[0]), screen).build();
        try (Progress p = new Progress.Line("verify", xterm)) {
            p.update("1/3 checks done");
            p.update("2/3 checks done and a state far too long to fit on one line of this sixty-column terminal");
            p.finish("3/3 checks done");
        }
        String out = screen.toString(StandardCharsets.UTF_8);
        // xterm's carriage return and clear-to-end-of-line, from terminfo: each state replaces the last.
        assertThat(out).contains("verify: 1/3 checks done (0s)").contains("\r\u001b[K");
        assertThat(out).doesNotContain("\n").as("cut to the width").doesNotContain("sixty-column");
        assertThat(out).endsWith("\r\u001b[K");
    }

    @Test
    void aLineOfOutputClearsTheStatusLineAndItComesBackAfterButNeverAfterTheEnd() throws Exception {
        ByteArrayOutputStream screen = new ByteArrayOutputStream();
        Terminal xterm = TerminalBuilder.builder().system(false).type("xterm").size(new Size(80, 24))
                .streams(new ByteArrayInputStream(new byte[0]), screen).build();
        StringWriter stdout = new StringWriter();
        Progress p = new Progress.Line("apply", xterm);
        p.update("batch 1/2: 0 host(s) done, 0 failed");
        p.println(new PrintWriter(stdout), "  w1: healthy");
        String afterLine = screen.toString(StandardCharsets.UTF_8);
        assertThat(afterLine).endsWith("apply: batch 1/2: 0 host(s) done, 0 failed (0s)");
        assertThat(stdout.toString()).isEqualTo("  w1: healthy" + System.lineSeparator());
        p.finish("2 host(s) applied, 0 failed");
        int before = screen.size();
        p.update("a straggler's late update");
        p.close();
        assertThat(screen.toString(StandardCharsets.UTF_8).substring(before)).doesNotContain("straggler");
    }

    @Test
    void plainLinesOnlyOnceTheWorkHasRunAWhileAndAFinalOne() throws Exception {
        StringWriter quick = new StringWriter();
        Progress fast = new Progress.Plain("prune", new PrintWriter(quick), 60_000);
        fast.update("0/2 deleted");
        fast.finish("2/2 deleted");
        assertThat(quick.toString()).as("short work stays silent").isEmpty();

        StringWriter log = new StringWriter();
        Progress slow = new Progress.Plain("apply", new PrintWriter(log), 50);
        slow.update("batch 1/2: 0 host(s) done, 0 failed");
        Thread.sleep(80);
        slow.update("batch 1/2: 1 host(s) done, 0 failed");
        slow.update("batch 2/2: 1 host(s) done, 0 failed");
        slow.finish("2 host(s) applied, 0 failed");
        assertThat(log.toString().lines().toList()).hasSize(2).satisfiesExactly(
                l -> assertThat(l).startsWith("apply: batch 1/2: 1 host(s) done, 0 failed ("),
                l -> assertThat(l).startsWith("apply: 2 host(s) applied, 0 failed ("));
        assertThat(log.toString()).doesNotContain("\u001b");
    }
}
