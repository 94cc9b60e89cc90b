package dev.infra.onboard;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import dev.infra.apply.Applier;
import dev.infra.apply.FleetLock;
import dev.infra.apply.HostCommands;
import dev.infra.diag.Style;
import dev.infra.fleet.Fleet;
import dev.infra.inventory.Deployment;
import dev.infra.inventory.Host;
import dev.infra.inventory.Inventory;
import dev.infra.inventory.InventoryEditor;
import dev.infra.nats.NatsProbe;
import dev.infra.observe.ObservedHost;
import dev.infra.observe.ProbeCommands;
import dev.infra.plan.Plan;
import dev.infra.render.ComposeProject;
import dev.infra.render.HostState;
import dev.infra.ssh.ExecResult;
import dev.infra.ssh.Remote;
import dev.infra.ssh.SshException;
import dev.infra.ssh.SshPool;
import dev.infra.units.LocalFiles;
import dev.infra.verify.CheckResult;
import dev.infra.verify.CheckRunner;
import dev.infra.verify.FleetChecks;
import dev.infra.verify.Status;
import dev.infra.view.PlanTextView;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A bare machine to a working fleet host in one step: its host key pinned only when confirmed, its
 * prerequisites checked, the host added to the inventory as text (comments and order kept), then
 * plan, apply and verify of that host alone. If anything after the inventory edit fails, the edit
 * and the pin are undone and the host is put back as it was.
 */
public final class Onboarding {
    /** What onboarding needs from the command line: inventories loaded and fleets opened as everywhere else. */
    public record Env(Function<Path, Inventory> load, Function<Inventory, Fleet> open, Style style, String who) {}

    /** The new host: its name, address, role (worker or app), and optional jump host and SSH user. */
    public record NewHost(String name, String address, String role, Optional<String> via, Optional<String> user) {}

    private final Env env;
    private final PrintWriter out;

    public Onboarding(Env env, PrintWriter out) {
        this.env = env;
        this.out = out;
    }

    /** True when the host was onboarded; {@code confirm} decides whether the presented key may be pinned. */
    public boolean onboard(Path file, NewHost h, Predicate<SshPool.HostKey> confirm) throws IOException {
        Inventory before = env.load().apply(file);
        if (before.hosts().containsKey(h.name())) {
            throw new IllegalArgumentException(h.name() + " is already in " + file);
        }
        String original = Files.readString(file, StandardCharsets.UTF_8);
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("address", h.address());
        fields.put("roles", "[" + h.role() + "]");
        h.via().ifPresent(v -> fields.put("via", v));
        h.user().ifPresent(u -> fields.put("ssh", "{user: " + u + "}"));
        String edited = InventoryEditor.addHost(original, h.name(), fields);

        out.println("Onboarding " + h.name() + " (" + h.address() + ") as " + h.role() + " into " + file);
        Optional<SshPool.HostKey> key = checkCandidate(file, edited, h.name(), confirm);
        if (key.isEmpty()) {
            return false;
        }

        // The edit, and the pin. From here on, a failure undoes both.
        Path knownHosts = null;
        byte[] knownHostsBefore = null;
        LocalFiles.writeAtomically(file, edited);
        printDiff(file, original, edited);
        Inventory inv = env.load().apply(file);
        Host host = inv.hosts().get(h.name());
        try (Fleet f = env.open().apply(inv)) {
            knownHosts = f.knownHostsFile(host);
            knownHostsBefore = Files.exists(knownHosts) ? Files.readAllBytes(knownHosts) : null;
            pin(knownHosts, knownHostsBefore, key.get());
            Optional<String> failure = applyAndVerify(f, host);
            if (failure.isEmpty()) {
                out.println();
                out.println(env.style().green("Onboarded " + h.name() + ".") + " It is in " + file + ", its files are applied and it verifies OK.");
                return true;
            }
            out.println();
            out.println(env.style().red("Onboarding failed: ") + failure.get());
            undoHost(f, host);
        } catch (RuntimeException e) {
            out.println(env.style().red("Onboarding failed: ") + e.getMessage());
        }
        LocalFiles.writeAtomically(file, original);
        if (knownHosts != null) {
            if (knownHostsBefore == null) {
                Files.deleteIfExists(knownHosts);
            } else {
                Files.write(knownHosts, knownHostsBefore);
            }
        }
        out.println("Undone: " + h.name() + " was removed from " + file + " and its host key unpinned; the host was put back as it was.");
        return false;
    }

    /** Reaches the host through a candidate inventory beside the real one: its key (confirmed) and prerequisites. */
    private Optional<SshPool.HostKey> checkCandidate(Path file, String edited, String name, Predicate<SshPool.HostKey> confirm)
            throws IOException {
        Path candidate = file.toAbsolutePath().resolveSibling("." + name + ".onboard.yml");
        Files.writeString(candidate, edited, StandardCharsets.UTF_8);
        try (Fleet f = env.open().apply(env.load().apply(candidate))) {
            Host h = f.inventory().hosts().get(name);
            SshPool.HostKey key = f.presentedKey(h);
            out.println("  host key: " + key.type() + " " + key.fingerprint());
            if (!confirm.test(key)) {
                out.println("Refused: the host key was not confirmed. Nothing was changed.");
                return Optional.empty();
            }
            f.trustForThisRun(h, key);
            List<Prerequisites.Item> items = prerequisites(f, h);
            items.stream().filter(Prerequisites.Item::ok).forEach(i -> out.println("  ✓ " + i.text()));
            List<Prerequisites.Item> missing = items.stream().filter(i -> !i.ok()).toList();
            if (!missing.isEmpty()) {
                out.println("Prerequisites not met on " + name + ":");
                missing.forEach(i -> out.println("  ✗ " + i.text()));
                out.println("Nothing was changed: " + file + " and known_hosts are as they were.");
                return Optional.empty();
            }
            return Optional.of(key);
        } catch (SshException e) {
            out.println("Cannot reach " + name + ": " + e.getMessage() + ". Nothing was changed.");
            return Optional.empty();
        } finally {
            Files.deleteIfExists(candidate);
        }
    }

    /** Docker and compose with versions, free disk, the deploy dir writable, NATS reachable from the host. */
    private List<Prerequisites.Item> prerequisites(Fleet f, Host h) {
        HostState desired = f.desired(h.name());
        Deployment d = desired.duties().deployments().stream().findFirst().orElseThrow(
                () -> new IllegalArgumentException("the inventory has no deployment for " + h.name() + "'s role to deploy on it"));
        Remote remote = f.remote(h);
        ExecResult r = remote.run(ProbeCommands.prerequisites(d.deployDir()), Duration.ofSeconds(30));
        NatsProbe.Reach reach = NatsProbe.check(remote, desired.duties().natsReach(), f.inventory().nats().auth(), f.secrets(),
                Duration.ofSeconds(5));
        return Prerequisites.judge(h.name(), remote.endpoint().user(), d.deployDir(), Prerequisites.parse(r.stdout()),
                reach.targets(), reach.blocking());
    }

    private void pin(Path knownHosts, byte[] before, SshPool.HostKey key) throws IOException {
        Files.createDirectories(knownHosts.getParent());
        boolean needsNewline = before != null && before.length > 0 && !new String(before, StandardCharsets.UTF_8).endsWith("\n");
        // A file whose entries are hashed (HashKnownHosts yes) gets a hashed pin too: the fleet's names are not written in clear.
        boolean hashed = before != null && new String(before, StandardCharsets.UTF_8).lines().anyMatch(l -> l.startsWith("|1|"));
        Files.writeString(knownHosts, (needsNewline ? "\n" : "") + (hashed ? key.hashedKnownHostsLine() : key.knownHostsLine()) + "\n",
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        out.println("  pinned " + key.fingerprint() + " in " + knownHosts);
    }

    private Optional<String> applyAndVerify(Fleet f, Host host) {
        List<Fleet.Observation> observations = f.observe(List.of(host));
        Plan plan = f.plan(observations);
        new PlanTextView(env.style()).render(plan, out);
        if (plan.hasErrors()) {
            return plan.hosts().get(0).error();
        }
        String command = "infra onboard " + host.name();
        Optional<String> failed;
        try {
            failed = FleetLock.holding(f, env.who(), command, Duration.ZERO, () -> {
                List<Applier.HostResult> results = new Applier(f, out, new Applier.Options(null, 0, env.who(), command))
                        .apply(plan, observations);
                return results.stream().filter(r -> !r.ok()).map(Applier.HostResult::detail).findFirst();
            });
        } catch (FleetLock.LockHeld e) {
            return Optional.of(e.getMessage());
        }
        if (failed.isPresent()) {
            return failed;
        }
        List<CheckResult> checks = CheckRunner.run(new FleetChecks(f, Duration.ofSeconds(20)).checks(List.of(host)), Duration.ofSeconds(30));
        out.println("Verify " + host.name() + ":");
        checks.forEach(c -> out.println("  " + c.status() + "  " + c.id() + "  " + c.message()));
        return checks.stream().filter(c -> c.status() == Status.CRIT || c.status() == Status.UNKNOWN)
                .map(c -> "verify " + c.id() + ": " + c.message()).findFirst();
    }

    /** Puts the host back: its compose projects down, the files infra wrote (env file included) removed. */
    private void undoHost(Fleet f, Host host) {
        try {
            Remote remote = f.remote(host);
            HostState desired = f.desired(host.name());
            String flavor = f.observeContainers(host).state().map(ObservedHost::compose).orElse("v1");
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

    private void printDiff(Path file, String before, String after) {
        List<String> a = Arrays.asList(before.split("\n", -1));
        List<String> b = Arrays.asList(after.split("\n", -1));
        out.println("  inventory change:");
        UnifiedDiffUtils.generateUnifiedDiff(file.toString(), file.toString(), a, DiffUtils.diff(a, b), 1)
                .forEach(l -> out.println("    " + l));
    }
}
