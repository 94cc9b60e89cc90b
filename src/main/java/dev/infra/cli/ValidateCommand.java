package dev.infra.cli;

import dev.infra.inventory.Inventory;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"Check the inventory and render every host's files once.",
                "Strict: every problem is reported with file:line:column and what to do; exit 1 if there is any."})
final class ValidateCommand implements Callable<Integer> {
    @ParentCommand
    InfraCommand parent;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Inventory inv = parent.global.loadInventory(true);
        // Rendering catches broken templates too: a valid inventory must also produce files.
        parent.global.renderer().render(inv);
        spec.commandLine().getOut().println(parent.global.style().green("✓ ") + inv.file() + " is valid: "
                + inv.hosts().size() + " hosts (" + inv.roleSummary() + ").");
        return ExitCodes.OK;
    }
}
