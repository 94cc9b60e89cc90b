package dev.infra.cli;

import dev.infra.inventory.Host;
import dev.infra.inventory.Inventory;
import dev.infra.inventory.Role;
import dev.infra.view.JsonViews;
import dev.infra.view.Table;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "hosts", mixinStandardHelpOptions = true,
        description = "List the hosts, their roles and how each is reached.")
final class HostsCommand implements Callable<Integer> {
    @ParentCommand
    InfraCommand parent;

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print JSON (format_version 1.0; schemas/hosts-1.0.schema.json).")
    boolean json;

    @Override
    public Integer call() {
        Inventory inv = parent.global.loadInventory(false);
        if (json) {
            spec.commandLine().getOut().print(JsonViews.hosts(inv));
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"HOST", "ROLES", "ADDRESS", "SSH", "REACHED"});
        for (Host h : inv.hosts().values()) {
            String roles = h.roles().stream().map(Role::id).collect(Collectors.joining(","));
            String login = h.ssh().alias().isPresent() ? "(ssh_config)"
                    : h.ssh().user().map(u -> u + "@").orElse("") + h.address().orElse("?") + ":" + h.ssh().port();
            rows.add(new String[] {h.name(), roles, h.address().orElse("-"), login, h.reachedHow()});
        }
        Table.print(rows, spec.commandLine().getOut());
        return ExitCodes.OK;
    }
}
