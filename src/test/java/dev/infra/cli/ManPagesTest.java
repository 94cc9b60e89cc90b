package dev.infra.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infra.testing.Cli;
import dev.infra.testing.LocalSh;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The build writes a man page for every command from the picocli model (target/man, before the tests
 * run), and `man -l` renders each one, without a warning from groff, with the command's summary.
 */
class ManPagesTest {
    static void collect(String prefix, CommandLine cl, List<String[]> out) {
        cl.getSubcommands().forEach((name, sub) -> {
            String page = prefix + "-" + name;
            out.add(new String[] {page, sub.getCommandSpec().usageMessage().description()[0]});
            collect(page, sub, out);
        });
    }

    @Test
    void everyCommandHasAManPageThatRenders() {
        List<String[]> pages = new ArrayList<>();
        pages.add(new String[] {"infra", "A small production fleet"});
        collect("infra", Main.commandLine(), pages);
        assertThat(pages).hasSizeGreaterThan(30);
        for (String[] p : pages) {
            Path file = Cli.repo().resolve("target/man/" + p[0] + ".1");
            assertThat(file).as("built by mvn (process-classes)").exists();
            LocalSh.Result r = LocalSh.run("MANWIDTH=100 man --warnings -l '" + file + "' 2>&1 >/dev/null | head -5; "
                    + "MANWIDTH=100 man -l '" + file + "'");
            assertThat(r.exitCode()).as(p[0]).isZero();
            String text = r.output();
            assertThat(text).as(p[0]).contains("NAME").contains("SYNOPSIS").doesNotContain("warning:");
            assertThat(text.replaceAll("\\s+", " ")).as(p[0]).contains(p[1].replaceAll("\\s+", " ").substring(0, Math.min(40, p[1].length())));
        }
    }
}
