package dev.infra.cli;

import dev.infra.fleet.Fleet;
import dev.infra.fleet.HostSelector;
import dev.infra.inventory.Host;
import dev.infra.inventory.Inventory;
import java.util.List;
import picocli.CommandLine.Option;

/** Options of every command that talks to the hosts. */
final class FleetOptions {
    @Option(names = {"-l", "--limit"}, paramLabel = "HOSTS|ROLES",
            description = "Only these hosts: names, roles (worker, nats, …) or globs, comma-separated.")
    String limit;

    @Option(names = "--parallel", defaultValue = "10", paramLabel = "N",
            description = "Hosts worked on at the same time (default: ${DEFAULT-VALUE}).")
    int parallel;

    Fleet open(GlobalOptions global) {
        return global.fleet(global.loadInventory(true), parallel);
    }

    /** The same, for a command that reads every selected host: their connections open while the fleet renders. */
    Fleet openConnecting(GlobalOptions global) {
        Inventory inv = global.loadInventory(true);
        return global.fleet(inv, parallel, hosts(inv));
    }

    /** A fleet for commands without --limit/--parallel of their own. */
    static Fleet open(GlobalOptions global, int parallel) {
        return global.fleet(global.loadInventory(true), parallel);
    }

    List<Host> hosts(Inventory inv) {
        try {
            return HostSelector.select(inv, limit);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
    }
}
