package dev.infra.cli;

import dev.infra.diag.Style;
import dev.infra.fleet.Fleet;
import dev.infra.inventory.Host;
import dev.infra.inventory.Inventory;
import dev.infra.inventory.InventoryLoader;
import dev.infra.render.Renderer;
import dev.infra.secrets.SecretResolver;
import dev.infra.view.Progress;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine;

/**
 * Options every command understands, before or after the command name. Defaults come from the
 * environment (INFRA_INVENTORY, INFRA_HOME set by the ./infra launcher) so a checkout works as is.
 */
public final class GlobalOptions {
    @Option(names = {"-i", "--inventory"}, scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "Inventory file (default: $INFRA_INVENTORY, else inventory/ami.yml).")
    Path inventory;

    @Option(names = "--templates", scope = ScopeType.INHERIT, paramLabel = "DIR",
            description = "Templates directory (default: templates/ of the infra checkout).")
    Path templates;

    final Map<String, String> vars = new LinkedHashMap<>();

    /** Accumulates: `infra --var a=1 apply --var b=2` keeps both (a plain field would keep only the subcommand's). */
    @Option(names = "--var", scope = ScopeType.INHERIT, paramLabel = "NAME=VALUE",
            description = "Override an inventory variable (repeatable).")
    void addVars(Map<String, String> more) {
        if (more != null) {
            vars.putAll(more);
        }
    }

    @Option(names = "--no-color", scope = ScopeType.INHERIT, description = "Plain output (also when NO_COLOR is set).")
    boolean noColor;

    public Path inventoryPath() {
        Path chosen = Optional.ofNullable(inventory)
                .or(() -> Optional.ofNullable(System.getenv("INFRA_INVENTORY")).filter(s -> !s.isBlank()).map(Path::of))
                .orElseGet(() -> home().map(h -> h.resolve("inventory/ami.yml"))
                        .filter(Files::exists).orElse(Path.of("inventory/ami.yml")));
        if (!Files.isRegularFile(chosen)) {
            throw new UserError("inventory " + chosen + " not found; pass -i FILE or set INFRA_INVENTORY");
        }
        return relativeIfInside(chosen);
    }

    public Path templatesDir() {
        Path chosen = Optional.ofNullable(templates)
                .orElseGet(() -> home().map(h -> h.resolve("templates")).filter(Files::isDirectory)
                        .orElse(Path.of("templates")));
        if (!Files.isDirectory(chosen)) {
            throw new UserError("templates directory " + chosen + " not found; pass --templates DIR");
        }
        return chosen;
    }

    public Style style() {
        return Style.detect(noColor);
    }

    /** Progress of long work on stderr: a status line on a terminal with colour, plain lines otherwise. */
    public Progress progress(String what, PrintWriter err) {
        return Progress.of(what, err, !style().color());
    }

    /** Loads the inventory; secrets must resolve only for commands that will use their values. */
    public Inventory loadInventory(boolean requireSecrets) {
        return loadInventoryFrom(inventoryPath(), requireSecrets);
    }

    /** A connection-ready fleet of {@code inv}; secrets resolve from the environment and files beside it. */
    public Fleet fleet(Inventory inv, int parallel) {
        return fleet(inv, parallel, List.of());
    }

    /** The same, with {@code ahead}'s connections opening while it renders (see {@link Fleet}). */
    public Fleet fleet(Inventory inv, int parallel, List<Host> ahead) {
        return new Fleet(inv, renderer(), SecretResolver.fromProcess(inv.file().toAbsolutePath().getParent()), parallel, ahead);
    }

    /** Loads another inventory file with the same overrides (onboarding's candidate inventory). */
    public Inventory loadInventoryFrom(Path file, boolean requireSecrets) {
        Path base = file.toAbsolutePath().getParent();
        Optional<SecretResolver> secrets = requireSecrets ? Optional.of(SecretResolver.fromProcess(base)) : Optional.empty();
        return new InventoryLoader(secrets, vars).load(file);
    }

    public Renderer renderer() {
        return new Renderer(templatesDir());
    }

    static boolean noColorRequested(CommandLine.ParseResult parseResult) {
        return parseResult != null && parseResult.hasMatchedOption("--no-color");
    }

    private static Optional<Path> home() {
        return Optional.ofNullable(System.getenv("INFRA_HOME")).filter(s -> !s.isBlank()).map(Path::of);
    }

    /** Paths in messages read best relative to where the user stands. */
    private static Path relativeIfInside(Path p) {
        Path cwd = Path.of("").toAbsolutePath();
        Path abs = p.toAbsolutePath().normalize();
        return abs.startsWith(cwd) ? cwd.relativize(abs) : abs;
    }
}
