package dev.infra.cli;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import dev.infra.apply.Applier;
import dev.infra.apply.FleetLock;
import dev.infra.nats.NatsProbe;
import dev.infra.apply.HostCommands;
import dev.infra.fleet.Fleet;
import dev.infra.inventory.Host;
import dev.infra.inventory.Inventory;
import dev.infra.inventory.InventoryEditor;
import dev.infra.inventory.Role;
import dev.infra.plan.Plan;
import dev.infra.plan.PlanTextView;
import dev.infra.render.ComposeProject;
import dev.infra.render.HostState;
import dev.infra.secrets.SecretResolver;
import dev.infra.ssh.ExecResult;
import dev.infra.ssh.Remote;
import dev.infra.ssh.RemoteCommand;
import dev.infra.ssh.Shell;
import dev.infra.ssh.SshException;
import dev.infra.ssh.SshPool;
import dev.infra.verify.CheckResult;
import dev.infra.verify.CheckRunner;
import dev.infra.verify.FleetChecks;
import dev.infra.verify.Status;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "onboard", mixinStandardHelpOptions = true,
        description = {"Turn a bare machine into a working fleet host in one step: pin its host key (only when confirmed,",
                "or when --host-key matches), check prerequisites, add it to the inventory (comments and formatting kept),",
                "then plan, apply and verify that host only. If anything after the inventory edit fails, it is all undone."})
final class OnboardCommand implements Callable<Integer> {
    static final long MIN_FREE_KB = 2L * 1024 * 1024;

    @ParentCommand
    InfraCommand parent;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "The new host's inventory name.")
    String name;

    @Option(names = "--address", required = true, paramLabel = "ADDR", description = "Where SSH reaches it (through the jump host).")
    String address;

    @Option(names = "--via", paramLabel = "JUMP", description = "Jump host (default: the inventory's ssh.via).")
    String via;

    @Option(names = "--role", defaultValue = "worker", paramLabel = "ROLE", description = "worker (default) or app.")
    String role;

    @Option(names = "--user", paramLabel = "U", description = "SSH user (default: the inventory's).")
    String user;

    @Option(names = "--host-key", paramLabel = "SHA256:…", description = "The expected host key fingerprint (non-interactive use).")
    String hostKey;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (!role.equals("worker") && !role.equals("app")) {
            throw new UserError("--role must be worker or app");
        }
        GlobalOptions g = parent.global;
        Path file = g.inventoryPath();
        Inventory before = g.loadInventory(true);
        if (before.hosts().containsKey(name)) {
            throw new UserError(name + " is already in " + file);
        }
        String original = Files.readString(file, StandardCharsets.UTF_8);
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("address", address);
        fields.put("roles", "[" + role + "]");
        if (via != null) {
            fields.put("via", via);
        }
        if (user != null) {
            fields.put("ssh", "{user: " + user + "}");
        }
        String edited = InventoryEditor.addHost(original, name, fields);

        out.println("Onboarding " + name + " (" + address + ") as " + role + " into " + file);
        // 1. A candidate inventory next to the real one (same relative paths), only to reach the host.
        Path candidate = file.toAbsolutePath().resolveSibling("." + name + ".onboard.yml");
        Files.writeString(candidate, edited, StandardCharsets.UTF_8);
        SshPool.HostKey key;
        try (Fleet f = g.fleet(g.loadInventoryFrom(candidate, true), 2)) {
            Host h = f.inventory().hosts().get(name);
            key = f.presentedKey(h);
            out.println("  host key: " + key.type() + " " + key.fingerprint());
            if (!confirmed(key, out)) {
                out.println("Refused: the host key was not confirmed. Nothing was changed.");
                return ExitCodes.ERROR;
            }
            f.trustForThisRun(h, key);
            List<String> problems = prerequisites(f, h, out);
            if (!problems.isEmpty()) {
                out.println("Prerequisites not met on " + name + ":");
                problems.forEach(p -> out.println("  ✗ " + p));
                out.println("Nothing was changed: " + file + " and known_hosts are as they were.");
                return ExitCodes.ERROR;
            }
        } catch (SshException e) {
            out.println("Cannot reach " + name + ": " + e.getMessage() + ". Nothing was changed.");
            return ExitCodes.ERROR;
        } finally {
            Files.deleteIfExists(candidate);
        }

        // 2. The edit, and the pin. From here on, a failure undoes both.
        Path knownHosts = null;
        byte[] knownHostsBefore = null;
        writeAtomically(file, edited);
        printDiff(file, original, edited, out);
        Inventory inv = g.loadInventory(true);
        Host host = inv.hosts().get(name);
        try (Fleet f = g.fleet(inv, 2)) {
            knownHosts = f.knownHostsFile(host);
            knownHostsBefore = Files.exists(knownHosts) ? Files.readAllBytes(knownHosts) : null;
            Files.createDirectories(knownHosts.getParent());
            Files.writeString(knownHosts, (knownHostsBefore == null || new String(knownHostsBefore, StandardCharsets.UTF_8).endsWith("\n")
                    || knownHostsBefore.length == 0 ? "" : "\n") + key.knownHostsLine() + "\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            out.println("  pinned " + key.fingerprint() + " in " + knownHosts);

            Optional<String> failure = applyAndVerify(f, host, out);
            if (failure.isEmpty()) {
                out.println();
                out.println(g.style().green("Onboarded " + name + ".") + " It is in " + file + ", its files are applied and it verifies OK.");
                return ExitCodes.OK;
            }
            out.println();
            out.println(g.style().red("Onboarding failed: ") + failure.get());
            undoHost(f, host, out);
        } catch (RuntimeException e) {
            out.println(g.style().red("Onboarding failed: ") + e.getMessage());
        }
        writeAtomically(file, original);
        if (knownHosts != null) {
            if (knownHostsBefore == null) {
                Files.deleteIfExists(knownHosts);
            } else {
                Files.write(knownHosts, knownHostsBefore);
            }
        }
        out.println("Undone: " + name + " was removed from " + file + " and its host key unpinned; the host was put back as it was.");
        return ExitCodes.ERROR;
    }

    private boolean confirmed(SshPool.HostKey key, PrintWriter out) throws IOException {
        if (hostKey != null) {
            boolean ok = hostKey.equals(key.fingerprint());
            out.println(ok ? "  matches --host-key" : "  does NOT match --host-key " + hostKey + ": refusing (someone in between, or the wrong host)");
            return ok;
        }
        if (System.console() == null) {
            out.println("  not confirmed: check it on the host (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub) and run again with --host-key "
                    + key.fingerprint());
            return false;
        }
        out.print("  Pin this host key? Check it out of band first. Only 'yes' will be accepted: ");
        out.flush();
        String answer = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        return "yes".equals(answer == null ? null : answer.strip());
    }

    /** Docker and compose with versions, free disk, the deploy dir writable, NATS reachable from the host. */
    private List<String> prerequisites(Fleet f, Host h, PrintWriter out) {
        var d = f.inventory().deployment(Role.parse(role).orElseThrow()).orElseThrow(
                () -> new UserError("the inventory has no deployments." + role + " to deploy on the new host"));
        String dir = Shell.path(d.deployDir());
        ExecResult r = f.remote(h).run(RemoteCommand.of("check prerequisites",
                "echo \"docker=$(docker version --format '{{.Server.Version}}' 2>/dev/null)\"\n"
                        + "if docker compose version >/dev/null 2>&1; then echo \"compose=docker compose $(docker compose version --short)\";"
                        + " elif command -v docker-compose >/dev/null 2>&1; then echo \"compose=docker-compose $(docker-compose version --short 2>/dev/null)\";"
                        + " else echo compose=; fi\n"
                        + "if mkdir -p " + dir + " 2>/dev/null && test -w " + dir + "; then echo writable=yes; else echo writable=no; fi\n"
                        + "echo \"free_kb=$(df -Pk " + dir + " 2>/dev/null | awk 'NR==2 {print $4}')\"\n"), Duration.ofSeconds(30));
        Map<String, String> facts = new LinkedHashMap<>();
        r.stdout().lines().filter(l -> l.contains("=")).forEach(l -> facts.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1).strip()));
        List<String> problems = new ArrayList<>();
        String docker = facts.getOrDefault("docker", "");
        String compose = facts.getOrDefault("compose", "");
        report(out, problems, !docker.isEmpty(), "Docker engine " + docker,
                "no Docker engine answers on " + h.name() + " (install docker.io and start it; the SSH user must be allowed to use it)");
        report(out, problems, !compose.isEmpty(), "compose: " + compose,
                "neither `docker compose` nor `docker-compose` is installed on " + h.name());
        report(out, problems, "yes".equals(facts.get("writable")), d.deployDir() + " is writable",
                d.deployDir() + " cannot be created or written by " + f.remote(h).endpoint().user());
        long free = parseLong(facts.get("free_kb"));
        report(out, problems, free >= MIN_FREE_KB, (free / 1024 / 1024) + " GiB free",
                "only " + (free / 1024) + " MiB free under " + d.deployDir() + " (at least 2 GiB needed for images)");
        Optional<String> reach = NatsProbe.check(f.remote(h), f.inventory(), f.secrets(), Duration.ofSeconds(5));
        report(out, problems, reach.isEmpty(), "NATS " + NatsProbe.target(f.inventory()) + " reachable", reach.orElse(""));
        return problems;
    }

    private static void report(PrintWriter out, List<String> problems, boolean ok, String okText, String problem) {
        if (ok) {
            out.println("  ✓ " + okText);
        } else {
            problems.add(problem);
        }
    }

    private Optional<String> applyAndVerify(Fleet f, Host host, PrintWriter out) {
        List<Fleet.Observation> observations = f.observe(List.of(host));
        Plan plan = f.plan(observations);
        new PlanTextView(parent.global.style()).render(plan, out);
        if (plan.hasErrors()) {
            return plan.hosts().get(0).error();
        }
        FleetLock lock = FleetLock.of(f);
        String who = System.getProperty("user.name");
        try {
            lock.acquire(FleetLock.info(who, "infra onboard " + name), Duration.ZERO);
        } catch (FleetLock.LockHeld e) {
            return Optional.of(e.getMessage());
        }
        try {
            List<Applier.HostResult> results = new Applier(f, out, new Applier.Options(null, 0, who, "infra onboard " + name))
                    .apply(plan, observations);
            if (results.stream().anyMatch(r -> !r.ok())) {
                return Optional.of(results.stream().filter(r -> !r.ok()).findFirst().get().detail());
            }
        } finally {
            lock.release();
        }
        List<CheckResult> checks = CheckRunner.run(new FleetChecks(f, Duration.ofSeconds(20)).checks(List.of(host)), Duration.ofSeconds(30));
        out.println("Verify " + name + ":");
        checks.forEach(c -> out.println("  " + c.status() + "  " + c.id() + "  " + c.message()));
        return checks.stream().filter(c -> c.status() == Status.CRIT || c.status() == Status.UNKNOWN)
                .map(c -> "verify " + c.id() + ": " + c.message()).findFirst();
    }

    /** Puts the host back: its compose projects down, the files infra wrote (env file included) removed. */
    private static void undoHost(Fleet f, Host host, PrintWriter out) {
        try {
            Remote remote = f.remote(host);
            HostState desired = f.desired(host.name());
            String flavor = f.observe(List.of(host)).get(0).state().map(o -> o.compose()).orElse("v1");
            List<String> failures = new ArrayList<>();
            for (ComposeProject p : desired.projects()) {
                ExecResult down = remote.run(HostCommands.down(flavor, p), Duration.ofMinutes(2));
                if (!down.ok()) {
                    failures.add(p.name() + ": " + down.reason());
                }
            }
            List<String> paths = new ArrayList<>();
            desired.files().forEach(x -> paths.add(x.path()));
            desired.env().forEach(x -> paths.add(x.path()));
            for (String path : paths) {
                remote.run(HostCommands.restoreOrRemove(path), Duration.ofSeconds(30));
            }
            out.println(failures.isEmpty()
                    ? "  took down the containers infra started on " + host.name() + " and put back the files it wrote"
                    : "  removed the files infra wrote on " + host.name() + ", but could not take down: " + String.join("; ", failures));
        } catch (RuntimeException e) {
            out.println("  could not clean " + host.name() + ": " + e.getMessage());
        }
    }

    private static void writeAtomically(Path file, String text) throws IOException {
        Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".inventory", ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void printDiff(Path file, String before, String after, PrintWriter out) {
        List<String> a = Arrays.asList(before.split("\n", -1));
        List<String> b = Arrays.asList(after.split("\n", -1));
        out.println("  inventory change:");
        UnifiedDiffUtils.generateUnifiedDiff(file.toString(), file.toString(), a, DiffUtils.diff(a, b), 1)
                .forEach(l -> out.println("    " + l));
    }

    private static long parseLong(String s) {
        try {
            return s == null ? 0 : Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
