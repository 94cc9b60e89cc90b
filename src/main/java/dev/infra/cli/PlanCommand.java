package dev.infra.cli;

import dev.infra.fleet.Fleet;
import dev.infra.fleet.HostSelector;
import dev.infra.inventory.Host;
import dev.infra.plan.Plan;
import dev.infra.view.PlanJson;
import dev.infra.view.PlanTextView;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "plan", mixinStandardHelpOptions = true,
        description = {"Show what apply would change on every host, and why.",
                "Reads each host over one SSH connection (through its jump host); changes nothing."})
final class PlanCommand implements Callable<Integer> {
    @ParentCommand
    InfraCommand parent;

    @Spec
    CommandSpec spec;

    @Mixin
    FleetOptions fleet;

    @Option(names = "--out", paramLabel = "FILE", description = "Save the plan; `infra apply FILE` applies exactly it, or refuses if the hosts changed since.")
    Path out;

    @Option(names = "--json", description = "Print the plan as JSON (format_version " + Plan.FORMAT_VERSION + ").")
    boolean json;

    @Option(names = "--detailed-exitcode", description = "Exit 0 when nothing would change, 2 when something would, 1 on error.")
    boolean detailedExitCode;

    @Override
    public Integer call() throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        try (Fleet f = fleet.openConnecting(parent.global)) {
            List<Host> hosts = fleet.hosts(f.inventory());
            Plan plan = f.plan(f.observe(hosts));
            Map<String, String> extra = new LinkedHashMap<>();
            extra.put("limit", fleet.limit == null ? "" : fleet.limit);
            byte[] key = new byte[16];
            new SecureRandom().nextBytes(key);
            String salt = HexFormat.of().formatHex(key);
            extra.put("desired_salt", salt);
            extra.put("desired_sha256", f.desiredHash(hosts, salt));
            if (json) {
                stdout.print(PlanJson.write(plan, extra));
                stdout.flush();
            } else {
                new PlanTextView(parent.global.style()).render(plan, stdout);
            }
            if (out != null) {
                if (plan.hasErrors()) {
                    throw new UserError("not saving a plan that could not read every host");
                }
                Files.writeString(out, PlanJson.write(plan, extra), StandardCharsets.UTF_8);
                if (!json) {
                    stdout.println();
                    stdout.println("Saved the plan to " + out + ". To perform exactly these actions, run: infra apply " + out);
                }
            }
            if (plan.hasErrors()) {
                return ExitCodes.ERROR;
            }
            return detailedExitCode && !plan.summary().empty() ? ExitCodes.CHANGES : ExitCodes.OK;
        }
    }
}
