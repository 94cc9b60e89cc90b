package dev.infra.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infra.testing.Cli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command tree as a user meets it: help everywhere, a version, completion, usage errors. */
class CommandLineTest {

    @Test
    void variablesGivenBeforeAndAfterTheCommandAllApply() {
        Cli.Result r = Cli.run("-i", Cli.inventory("lab.yml"), "--templates", Cli.templates(), "--var", "bastion_port=2999", "hosts",
                "--var", "lab_dir=/tmp/x");
        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains("root@127.0.0.1:2999");
    }

    @Test
    void everyCommandHasHelp() {
        List<String> names = List.copyOf(Main.commandLine().getSubcommands().keySet());
        assertThat(names).contains("validate", "hosts", "render", "generate-completion");
        for (String name : names) {
            Cli.Result r = Cli.run(name, "--help");
            assertThat(r.exitCode()).as(name).isZero();
            assertThat(r.out()).as(name).contains("Usage: infra " + name);
        }
        Cli.Result top = Cli.run("--help");
        assertThat(top.exitCode()).isZero();
        assertThat(top.out()).contains("validate", "hosts", "render", "Exit codes");
    }

    /** A run models only the command it names (a faster start); what the user sees must be what the whole tree says. */
    @Test
    void aCommandModelledAloneSaysWhatTheWholeTreeSays() {
        List<List<String>> runs = new ArrayList<>(List.of(
                List.of("-i", "apply", "plan"),                 // a value that is a command's name: the whole tree decides
                List.of("--var", "a=1", "--no-color", "plan", "--help"),
                List.of("--inventory=x.yml", "nats", "streams", "--help"),
                List.of("-i"), List.of("--bogus", "plan")));
        Main.commandLine().getSubcommands().forEach((name, sub) -> {
            runs.add(List.of(name, "--help"));
            runs.add(List.of(name, "--no-such-flag"));
            runs.add(List.of("--no-color", "-i", Cli.inventory("lab.yml"), name, "-V"));
            sub.getSubcommands().keySet().forEach(inner -> runs.add(List.of(name, inner, "--help")));
        });
        for (List<String> args : runs) {
            String[] a = args.toArray(String[]::new);
            if (Main.commandLine().getSubcommands().containsKey(args.get(0)) && !args.contains("generate-completion")) {
                assertThat(Main.commandLine(a).getSubcommands()).as("%s models one command", args).hasSize(1);
            }
            assertThat(outputOf(Main.commandLine(a), a)).as("infra %s", String.join(" ", args)).isEqualTo(outputOf(Main.commandLine(), a));
        }
    }

    private static String outputOf(CommandLine cl, String[] args) {
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(out, true));
        return cl.execute(args) + "\n" + out;
    }

    @Test
    void everyCommandListShowsEachCommandsWholeSummaryOnOneLine() {
        // What `infra --help | grep apply` shows: the command's one-line summary, a whole sentence, never cut mid-way.
        List<String> groups = new ArrayList<>(List.of(""));
        Main.commandLine().getSubcommands().forEach((name, sub) -> {
            if (!sub.getSubcommands().isEmpty()) {
                groups.add(name);
            }
        });
        for (String group : groups) {
            Cli.Result r = group.isEmpty() ? Cli.run("--help") : Cli.run(group, "--help");
            String list = r.out().substring(r.out().indexOf("Commands:") + "Commands:".length());
            list = list.contains("\n\n") ? list.substring(0, list.indexOf("\n\n")) : list;
            for (String line : list.replaceFirst("^\\n", "").stripTrailing().split("\n")) {
                assertThat(line).as("infra %s --help", group).matches("\\s{2}\\S+\\s+\\S.*[.?]");
            }
        }
        assertThat(Cli.run("--help").out()).containsPattern("\n  apply +Make the hosts match the inventory, in gated batches\\.\n");
    }

    @Test
    void aBadBatchIsRefusedBeforeAnyHostIsContacted() {
        // The lab inventory with its bastion on a closed loopback port: had infra tried to connect, it would say so.
        for (List<String> command : List.of(List.of("apply", "--yes"), List.of("restart"))) {
            List<String> args = new ArrayList<>(List.of("-i", Cli.inventory("lab.yml"), "--templates", Cli.templates(),
                    "--var", "bastion_port=9"));
            args.addAll(command);
            args.addAll(List.of("--batch", "abc"));
            Cli.Result r = Cli.run(args.toArray(String[]::new));
            assertThat(r.exitCode()).as(r.all()).isEqualTo(1);
            assertThat(r.err()).contains("--batch must be a number of hosts (2) or a percentage (25%), not 'abc'")
                    .doesNotContain("internal error").doesNotContain("onnect");
        }
    }

    @Test
    void deadLettersJsonAndWatchAreRefusedTogetherBeforeAnyConnection() {
        Cli.Result r = Cli.run("-i", Cli.inventory("lab.yml"), "--templates", Cli.templates(), "--var", "bastion_port=9",
                "nats", "dead-letters", "--json", "--watch");
        assertThat(r.exitCode()).as(r.all()).isEqualTo(1);
        assertThat(r.err()).contains("--json prints one document and ends").doesNotContain("onnect");
    }

    @Test
    void versionIsPrinted() {
        Cli.Result r = Cli.run("--version");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).startsWith("infra ").doesNotContain("${");
    }

    @Test
    void bashCompletionIsGenerated() {
        Cli.Result r = Cli.run("generate-completion");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("complete -F").contains("validate").contains("render");
    }

    @Test
    void usageErrorsExitOneWithASuggestion() {
        Cli.Result r = Cli.run("valdate");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("valdate").contains("validate").doesNotContain("Exception");
    }

    @Test
    void aMissingInventoryIsAClearError() {
        Cli.Result r = Cli.run("-i", "/nonexistent/inventory.yml", "validate");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("/nonexistent/inventory.yml not found").doesNotContain("Exception");
    }

    @Test
    void optionsWorkBeforeAndAfterTheCommand() {
        Cli.Result before = Cli.run("-i", Cli.inventory("ami.yml"), "--templates", Cli.templates(), "hosts");
        Cli.Result after = Cli.run("hosts", "-i", Cli.inventory("ami.yml"), "--templates", Cli.templates());
        assertThat(before.exitCode()).isZero();
        assertThat(before.out()).isEqualTo(after.out());
    }

    @Test
    void hostsShowsRolesAndHowEachHostIsReached() {
        Cli.Result r = Cli.run("-i", Cli.inventory("ami.yml"), "hosts");
        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out().lines().toList()).satisfiesExactly(
                header -> assertThat(header).startsWith("HOST").contains("ROLES", "REACHED"),
                cc -> assertThat(cc).startsWith("ami-cc").contains("bastion").endsWith("direct"),
                nats -> assertThat(nats).startsWith("ami-redis-1").contains("nats").endsWith("via ami-cc"),
                live -> assertThat(live).startsWith("ami-live").contains("app").endsWith("via ami-cc"),
                worker -> assertThat(worker).startsWith("ami-worker-2").contains("worker").endsWith("via ami-cc"));
    }

    @Test
    void usageErrorsDoNotUsePicoclisExitCodeTwo() {
        // 2 means "changes present" under --detailed-exitcode; a typo must never look like that.
        assertThat(Cli.run("render").exitCode()).isEqualTo(1);
        assertThat(CommandLine.ExitCode.USAGE).isEqualTo(2);
    }
}
