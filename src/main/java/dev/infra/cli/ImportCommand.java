package dev.infra.cli;

import dev.infra.adopt.FleetImport;
import dev.infra.adopt.Importer;
import dev.infra.inventory.InventoryLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Describe a running fleet as an inventory.",
                "Like Terraform's import for a whole fleet: read what runs on",
                "each host (compose projects from their containers' labels, the app's compose files, env files' key NAMES,",
                "the NATS container and its /jsz) and write an inventory that reproduces it, each part saying where it came",
                "from. Reads only; secrets never enter the inventory. Hosts it cannot understand are refused and nothing is written.",
                "Then `infra -i FILE plan` shows only what infra would fix."})
final class ImportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "HOST", description = {"A host: NAME (a Host of the ssh config, reached as `ssh NAME`",
            "would be) or NAME=ADDRESS (reached through --via). List the jump host too: it becomes the bastion."})
    List<String> hosts;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The inventory to write (refused if it exists, unless --force).")
    Path out;

    @Option(names = "--force", description = "Replace an existing FILE (the old one is kept as FILE.bak).")
    boolean force;

    @Option(names = "--ssh-config", paramLabel = "FILE", description = "The ssh config the aliases come from (default ~/.ssh/config).")
    Path sshConfig;

    @Option(names = "--known-hosts", paramLabel = "FILE", description = "Pinned host keys (default ~/.ssh/known_hosts); unknown keys are refused.")
    Path knownHosts;

    @Option(names = "--identity-file", paramLabel = "FILE", description = "The private key (default: ssh config's, then ~/.ssh/id_*).")
    Path identityFile;

    @Option(names = "--user", paramLabel = "U", description = "SSH user (default: the ssh config's, then yours).")
    String user;

    @Option(names = "--via", paramLabel = "JUMP", description = "The jump host for NAME=ADDRESS hosts (one of the HOSTs).")
    String via;

    @Option(names = "--connect-timeout", defaultValue = "10s", paramLabel = "D", description = "Per connection (default 10s).")
    String connectTimeout;

    @Override
    public Integer call() throws IOException {
        Duration timeout = OptionValues.duration("--connect-timeout", connectTimeout);
        List<FleetImport.Target> targets = new ArrayList<>();
        for (String h : hosts) {
            String name = h.contains("=") ? h.substring(0, h.indexOf('=')) : h;
            if (!InventoryLoader.HOST_NAME.matcher(name).matches()) {
                throw new UserError("'" + name + "' is not a host name infra accepts: lower-case letters, digits, '-' and '.'"
                        + " (write NAME=ADDRESS to name a host differently from its address)");
            }
            if (targets.stream().anyMatch(t -> t.name().equals(name))) {
                throw new UserError("host " + name + " is listed twice");
            }
            boolean address = h.contains("=");
            targets.add(new FleetImport.Target(name, address ? Optional.empty() : Optional.of(name),
                    address ? Optional.of(h.substring(h.indexOf('=') + 1)) : Optional.empty(),
                    address && via != null && !via.equals(name) ? Optional.of(via) : Optional.empty()));
        }
        if (via != null && targets.stream().noneMatch(t -> t.name().equals(via))) {
            throw new UserError("--via " + via + " is not one of the hosts: list the jump host too (it becomes the bastion)");
        }
        if (Files.exists(out) && !force) {
            throw new UserError(out + " exists: choose another --out, or pass --force to replace it (the old one is kept as "
                    + out.getFileName() + ".bak)");
        }
        Path file = out.toAbsolutePath().normalize();
        Files.createDirectories(file.getParent());
        FleetImport.Ssh ssh = new FleetImport.Ssh(abs(sshConfig), abs(knownHosts), abs(identityFile), Optional.ofNullable(user),
                Optional.ofNullable(via));
        String when = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
        FleetImport.Result result = Importer.run(new Importer.Request(targets, ssh, file, timeout),
                "Imported by `infra import` from " + String.join(", ", targets.stream().map(FleetImport.Target::name).toList()) + " on " + when + ".");
        PrintWriter stdout = spec.commandLine().getOut();
        if (!result.ok()) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("infra import: cannot describe the fleet; nothing was written.");
            result.refusals().forEach(r -> err.println("  - " + r));
            err.flush();
            return ExitCodes.ERROR;
        }
        // What import writes must be an inventory infra accepts: checked before it replaces anything.
        Path candidate = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".import");
        try {
            Files.writeString(candidate, result.text(), StandardCharsets.UTF_8);
            new InventoryLoader(Optional.empty()).load(candidate);
            if (Files.exists(file)) {
                Files.copy(file, file.resolveSibling(file.getFileName() + ".bak"), StandardCopyOption.REPLACE_EXISTING);
            }
            Files.move(candidate, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(candidate);
        }
        stdout.println("Wrote " + out + " (" + targets.size() + " hosts). Read it, then: infra -i " + out + " plan");
        return ExitCodes.OK;
    }

    private static Optional<String> abs(Path p) {
        return Optional.ofNullable(p).map(x -> x.toAbsolutePath().normalize().toString());
    }
}
