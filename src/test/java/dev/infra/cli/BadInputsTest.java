package dev.infra.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.infra.testing.Cli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input campaign as a table: wrong flags, missing, empty, binary, huge and bomb inventories,
 * directories and devices where files belong, bad paths and durations. Each exits 1 within 5 s with
 * a message naming the problem — no stack trace, no exception name, no "internal error". The fleet
 * is the lab's inventory pointed at a closed port on 127.0.0.1, so nothing anywhere can change.
 */
class BadInputsTest {
    @TempDir
    static Path dir;

    static Path empty, binary, huge, bomb, tabbed, garbagePlan, existing, aFile;

    record Case(String name, List<String> args, String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    static void files() throws IOException {
        empty = Files.writeString(dir.resolve("empty.yml"), "");
        binary = Files.write(dir.resolve("binary.yml"), new byte[] {0x7f, 'E', 'L', 'F', 0, 0, 1, 2, (byte) 0xff, (byte) 0xfe, 0, '\n'});
        huge = Files.writeString(dir.resolve("huge.yml"), "variables:\n" + "  a: b\n".repeat(600_000));
        bomb = Files.writeString(dir.resolve("bomb.yml"), "a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
                + "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
                + "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]\n");
        tabbed = Files.writeString(dir.resolve("tabbed.yml"), "ssh:\n\tuser: root\n");
        garbagePlan = Files.writeString(dir.resolve("garbage.plan"), "{\"not\": \"a plan\"}\n");
        existing = Files.writeString(dir.resolve("existing.yml"), "# mine\n");
        aFile = Files.writeString(dir.resolve("a-file"), "x\n");
    }

    /** infra on the lab inventory whose bastion is a closed port: nothing is reachable, nothing can change. */
    static Case lab(String name, String message, String... args) {
        List<String> all = new ArrayList<>(List.of("-i", Cli.inventory("lab.yml"), "--templates", Cli.templates(),
                "--var", "bastion_port=9", "--var", "lab_dir=" + dir));
        all.addAll(List.of(args));
        return new Case(name, all, message);
    }

    static Case raw(String name, String message, String... args) {
        return new Case(name, List.of(args), message);
    }

    static Stream<Case> cases() {
        String missing = dir.resolve("missing.yml").toString();
        return Stream.of(
                raw("missing inventory", "not found", "-i", missing, "validate"),
                raw("directory as inventory", "not found", "-i", dir.toString(), "validate"),
                raw("device as inventory", "not found", "-i", "/dev/zero", "validate"),
                raw("empty inventory", "the file is empty", "-i", empty.toString(), "validate"),
                raw("binary inventory", "error", "-i", binary.toString(), "validate"),
                raw("huge inventory", "infra reads at most", "-i", huge.toString(), "validate"),
                raw("YAML bomb inventory", "alias bomb", "-i", bomb.toString(), "validate"),
                raw("tab-indented inventory", "not valid YAML", "-i", tabbed.toString(), "validate"),
                raw("missing templates", "template", "-i", Cli.inventory("ami.yml"), "--templates", missing, "render", "--out",
                        dir.resolve("r1").toString()),
                raw("unknown command", "frobnicate", "frobnicate"),
                raw("unknown option", "--frob", "-i", Cli.inventory("ami.yml"), "validate", "--frob"),
                raw("--var without a value", "--var", "-i", Cli.inventory("ami.yml"), "--var", "novalue", "validate"),
                raw("--var of an undeclared variable", "nats_iq", "-i", Cli.inventory("ami.yml"), "--var", "nats_iq=1", "validate"),
                lab("--limit naming no host", "nosuch", "plan", "--limit", "nosuch"),
                lab("drift --limit naming no host", "nosuch", "drift", "--limit", "nosuch"),
                lab("apply --batch of words", "batch", "apply", "--batch", "abc", "--yes"),
                lab("apply --batch 0", "batch", "apply", "--batch", "0", "--yes"),
                lab("apply --batch 150%", "batch", "apply", "--batch", "150%", "--yes"),
                lab("apply --max-fail of words", "--max-fail", "apply", "--max-fail", "abc", "--yes"),
                lab("apply --lock-wait of words", "--lock-wait", "apply", "--lock-wait", "forever", "--yes"),
                lab("apply --lock-wait without a unit", "--lock-wait", "apply", "--lock-wait", "30", "--yes"),
                lab("apply a device as the plan", "is not a regular file", "apply", "/dev/zero"),
                lab("apply a directory as the plan", "is not a regular file", "apply", dir.toString()),
                lab("apply a plan that does not exist", "missing.plan", "apply", dir.resolve("missing.plan").toString()),
                lab("apply a file that is not a plan", "garbage.plan", "apply", garbagePlan.toString()),
                lab("plan --out with no value", "--out", "plan", "--out"),
                lab("render into /proc", "/proc/x", "render", "--out", "/proc/x"),
                lab("render into a file", "a-file", "render", "--out", aFile.toString()),
                lab("render a host that does not exist", "nosuch", "render", "--out", dir.resolve("r2").toString(), "--host", "nosuch"),
                lab("verify --format xml", "--format", "verify", "--format", "xml"),
                lab("verify --timeout without a unit", "--timeout", "verify", "--timeout", "5"),
                lab("verify --timeout of words", "--timeout", "verify", "--timeout", "soon"),
                lab("verify --parallel of words", "--parallel", "verify", "--parallel", "many"),
                lab("nats prune --older-than injected", "--older-than", "nats", "prune", "--older-than", "1h;x"),
                lab("nats prune --from a missing list", "is not a list saved", "nats", "prune", "--from", missing, "--yes"),
                lab("nats prune --save with --yes", "--save", "nats", "prune", "--save", dir.resolve("l.json").toString(), "--yes"),
                lab("nats prune --from with --older-than", "--from", "nats", "prune", "--from", missing, "--older-than", "1h"),
                lab("nats watch --stall of words", "--stall", "nats", "watch", "--stall", "abc"),
                lab("nats watch --interval without a unit", "--interval", "nats", "watch", "--interval", "0x"),
                lab("nats watch --for of words", "--for", "nats", "watch", "--for", "zz"),
                lab("nats with no subcommand", "", "nats", "frob"),
                lab("nats dead-letters --for of words", "--for", "nats", "dead-letters", "--watch", "--for", "later"),
                lab("triage without a job", "JOB", "triage"),
                lab("triage --stall of words", "--stall", "triage", "123", "--stall", "x"),
                lab("tunnel to nowhere", "", "tunnel", "elsewhere"),
                lab("tunnel --port out of range", "port", "tunnel", "monitor", "--port", "70000"),
                lab("tunnel --for of words", "--for", "tunnel", "monitor", "--for", "x"),
                lab("onboard without a name", "NAME", "onboard"),
                lab("onboard a bad name", "Bad_Name", "onboard", "Bad_Name", "--address", "127.0.0.2"),
                lab("onboard as nats", "role", "onboard", "w9", "--address", "127.0.0.2", "--role", "nats"),
                lab("exec --timeout of words", "--timeout", "exec", "--timeout", "x", "--", "true"),
                lab("exec without a command", "COMMAND", "exec"),
                lab("restart --batch of words", "batch", "restart", "--batch", "abc"),
                lab("run a playbook that does not exist", "nosuch.yml", "run", dir.resolve("nosuch.yml").toString()),
                lab("run a directory", "", "run", dir.toString()),
                lab("lock with an unknown subcommand", "frob", "lock", "frob"),
                raw("import without hosts", "HOST", "import", "--out", dir.resolve("i1.yml").toString()),
                raw("import a bad host name", "Bad_Name", "import", "Bad_Name", "--out", dir.resolve("i2.yml").toString()),
                raw("import a host twice", "listed twice", "import", "a", "a", "--out", dir.resolve("i3.yml").toString()),
                raw("import --via not among the hosts", "--via", "import", "a=127.0.0.2", "--via", "b", "--out", dir.resolve("i4.yml").toString()),
                raw("import over an existing file", "exists", "import", "a", "--out", existing.toString()),
                raw("import --connect-timeout of words", "--connect-timeout", "import", "a", "--out", dir.resolve("i5.yml").toString(),
                        "--connect-timeout", "zz"),
                lab("hosts with an unknown option", "--frob", "hosts", "--frob"),
                lab("plan against a bastion that refuses connections", "", "plan", "--detailed-exitcode"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void eachIsRefusedAtOnceWithAMessage(Case c) {
        long start = System.nanoTime();
        Cli.Result r = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> Cli.run(c.args().toArray(String[]::new)));
        assertThat(r.exitCode()).as(r.all()).isEqualTo(1);
        assertThat(r.all()).as("message").contains(c.message())
                .doesNotContain("internal error").doesNotContain("Exception").doesNotContain("\tat ");
        assertThat((System.nanoTime() - start) / 1_000_000).as("milliseconds").isLessThan(5000);
        assertThat(existing).hasContent("# mine");
    }

    @Test
    void theCampaignHasSixtyOneInputsAtLeast() {
        assertThat(cases().map(Case::name).toList()).hasSizeGreaterThanOrEqualTo(61).doesNotHaveDuplicates();
    }
}
