package dev.infra.cli;

import com.github.dockerjava.api.DockerClient;
import dev.infra.inventory.Inventory;
import dev.infra.lab.Lab;
import dev.infra.lab.LabDocker;
import dev.infra.lab.LabException;
import dev.infra.view.JsonViews;
import dev.infra.view.Progress;
import dev.infra.view.Table;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "lab", mixinStandardHelpOptions = true,
        description = {"A local replica of the fleet in containers.",
                "One container per host, real sshd and Docker engines, reached only through the bastion published on 127.0.0.1. Uses inventory/lab.yml unless -i says otherwise."},
        subcommands = {LabCommand.Up.class, LabCommand.Down.class, LabCommand.Status.class})
final class LabCommand extends CommandGroup {
    @Option(names = "--id", defaultValue = "lab", paramLabel = "ID",
            description = "Which lab (names every container and network; default: ${DEFAULT-VALUE}).")
    String id;

    Inventory inventory() {
        GlobalOptions g = parent.global;
        boolean chosen = g.inventory != null || Optional.ofNullable(System.getenv("INFRA_INVENTORY")).filter(s -> !s.isBlank()).isPresent();
        if (!chosen) {
            Path lab = Optional.ofNullable(System.getenv("INFRA_HOME")).map(h -> Path.of(h, "inventory/lab.yml"))
                    .filter(Files::exists).orElse(Path.of("inventory/lab.yml"));
            g.inventory = lab;
        }
        return g.loadInventory(false);
    }

    <T> T withLab(BiFunction<Lab, PrintWriter, T> action) {
        PrintWriter out = spec.commandLine().getOut();
        Inventory inv = inventory();
        DockerClient docker;
        try {
            docker = LabDocker.connect();
        } catch (LabException e) {
            throw new UserError(e.getMessage());
        }
        try (docker) {
            return action.apply(new Lab(docker, inv, id, out), out);
        } catch (LabException e) {
            throw new UserError(e.getMessage());
        } catch (IOException e) {
            throw new UserError("closing the Docker connection failed: " + e.getMessage());
        }
    }

    @Command(name = "up", mixinStandardHelpOptions = true,
            description = {"Build the images, start every host, prove SSH works.",
                    "Images are built only when missing (cached); each host must answer over SSH."})
    static final class Up implements Callable<Integer> {
        @ParentCommand
        LabCommand lab;

        @Override
        public Integer call() {
            return lab.withLab((l, out) -> {
                try (Progress progress = lab.parent.global.progress("lab", lab.spec.commandLine().getErr())) {
                    l.withProgress(progress).up();
                }
                out.println();
                Status.print(l, out);
                return ExitCodes.OK;
            });
        }
    }

    @Command(name = "down", mixinStandardHelpOptions = true,
            description = {"Remove the lab's containers and networks.", "Its SSH keys stay for the next `up`."})
    static final class Down implements Callable<Integer> {
        @ParentCommand
        LabCommand lab;

        @Override
        public Integer call() {
            return lab.withLab((l, out) -> {
                int removed = l.down();
                out.println(removed == 0 ? "Lab '" + l.plan().id() + "' was not running."
                        : "Lab '" + l.plan().id() + "' is down: " + removed + " container(s) and its network removed.");
                return ExitCodes.OK;
            });
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Show each lab host's container and engine.")
    static final class Status implements Callable<Integer> {
        @ParentCommand
        LabCommand lab;

        @Option(names = "--json", description = "Print JSON (format_version 1.0; schemas/lab-status-1.0.schema.json).")
        boolean json;

        @Override
        public Integer call() {
            return lab.withLab((l, out) -> {
                if (json) {
                    out.print(JsonViews.lab(l.plan().id(), l.status()));
                    out.flush();
                    return ExitCodes.OK;
                }
                print(l, out);
                return ExitCodes.OK;
            });
        }

        static void print(Lab l, PrintWriter out) {
            List<Lab.HostStatus> rows = l.status();
            List<String[]> table = new ArrayList<>();
            table.add(new String[] {"HOST", "CONTAINER", "STATE", "ENGINE"});
            for (Lab.HostStatus s : rows) {
                table.add(new String[] {s.host(), s.container(), s.state(), s.engine()});
            }
            Table.print(table, out);
            if (rows.stream().anyMatch(r -> r.state().equals("running"))) {
                out.println();
                out.println("Reach a host as operators do: ssh -F " + l.ssh().config() + " " + rows.get(rows.size() - 1).host());
            } else {
                out.println("Lab '" + l.plan().id() + "' is not running: `infra lab up` starts it.");
            }
        }
    }
}
