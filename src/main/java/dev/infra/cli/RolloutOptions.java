package dev.infra.cli;

import dev.infra.apply.Batches;
import picocli.CommandLine.Option;

/** How a change rolls through the hosts: what apply and rollback share. */
final class RolloutOptions {
    @Option(names = "--batch", paramLabel = "N|P%", description = "Hosts per rolling batch after NATS (default: all at once).")
    String batch;

    @Option(names = "--max-fail", defaultValue = "0", paramLabel = "N",
            description = "Failed hosts tolerated before the rollout stops (default: ${DEFAULT-VALUE}).")
    int maxFail;

    @Option(names = {"-y", "--yes"}, description = "Do not ask for confirmation.")
    boolean yes;

    @Option(names = "--lock-wait", defaultValue = "0s", paramLabel = "DURATION",
            description = "Wait this long for another apply's lock (default: ${DEFAULT-VALUE}).")
    String lockWait;

    /** Refuses a --batch that does not parse, before anything is read. */
    void check() {
        try {
            Batches.check(batch);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
    }
}
