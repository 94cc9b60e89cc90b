package dev.infra.cli;

import dev.infra.playbook.Playbook;
import dev.infra.playbook.PlaybookLoader;
import dev.infra.ssh.Shell;
import dev.infra.units.LocalFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run a playbook: ordered steps of infra's operations.",
                "Playbooks live in playbooks/*.yml; their steps are infra's own operations, with variables.",
                "--var NAME=VALUE sets a playbook variable (or, if the playbook has none of that name, an inventory one).",
                "The run stops at the first failed step; --dry-run prints every step's command and runs nothing."})
final class RunCommand implements Callable<Integer> {
    @ParentCommand
    InfraCommand parent;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PLAYBOOK", description = "The playbook file.")
    Path playbookFile;

    @Option(names = "--dry-run", description = "Print the steps with their resolved commands; run nothing.")
    boolean dryRun;

    @Option(names = {"-y", "--yes"}, description = "Answer yes to the playbook's confirmation pauses.")
    boolean yes;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        GlobalOptions g = parent.global;
        // ${var:run_dir}: a directory of this run's own, for what one step hands the next (a list shown, then confirmed).
        Path runDir = Files.createTempDirectory("infra-run-");
        try {
            return run(g, out, runDir);
        } finally {
            LocalFiles.deleteTree(runDir);
        }
    }

    private int run(GlobalOptions g, PrintWriter out, Path runDir) {
        Map<String, String> playbookVars = new LinkedHashMap<>(Map.of("run_dir", runDir.toString()));
        Map<String, String> inventoryVars = new LinkedHashMap<>();
        Set<String> declared = PlaybookLoader.load(playbookFile, playbookVars).vars().keySet();
        g.vars.forEach((k, v) -> (declared.contains(k) ? playbookVars : inventoryVars).put(k, v));
        Playbook playbook = PlaybookLoader.load(playbookFile, playbookVars);

        List<String> global = new ArrayList<>(List.of("-i", g.inventoryPath().toString(), "--templates", g.templatesDir().toString()));
        inventoryVars.forEach((k, v) -> global.addAll(List.of("--var", k + "=" + v)));
        if (g.noColor) {
            global.add("--no-color");
        }
        out.println("Playbook " + playbookFile + (playbook.description().isEmpty() ? "" : ": " + playbook.description()));
        Map<String, String> shownVars = new LinkedHashMap<>(playbook.vars());
        shownVars.remove("run_dir");
        if (!shownVars.isEmpty()) {
            out.println("  vars: " + shownVars);
        }
        int n = playbook.steps().size();
        for (int i = 0; i < n; i++) {
            Playbook.Step step = playbook.steps().get(i);
            String header = "▶ [" + (i + 1) + "/" + n + "] " + step.name();
            if (step.isConfirm()) {
                out.println("▶ [" + (i + 1) + "/" + n + "] confirm: \"" + step.prompt() + "\"");
                if (dryRun) {
                    continue;
                }
                if (!confirmed(step.prompt(), out)) {
                    out.println("Stopped at step " + (i + 1) + ": not confirmed. Steps after it did not run.");
                    return ExitCodes.ERROR;
                }
                continue;
            }
            out.println(header + ": infra " + Shell.join(step.args()));
            out.flush();
            if (dryRun) {
                continue;
            }
            List<String> args = new ArrayList<>(global);
            args.addAll(step.args());
            CommandLine cl = Main.commandLine(args.toArray(String[]::new));
            cl.setOut(out);
            cl.setErr(spec.commandLine().getErr());
            int code = cl.execute(args.toArray(String[]::new));
            if (!step.okExits().contains(code)) {
                out.println("Step " + (i + 1) + " (" + step.name() + ") failed with exit " + code + "; stopping. Steps after it did not run.");
                return ExitCodes.ERROR;
            }
        }
        out.println(dryRun ? "Dry run: nothing was run." : "Playbook complete: " + n + " step(s).");
        return ExitCodes.OK;
    }

    private boolean confirmed(String prompt, PrintWriter out) {
        if (yes) {
            out.println("  confirmed (--yes)");
            return true;
        }
        if (!Confirmation.interactive()) {
            out.println("  no terminal to ask on: run with --yes to confirm");
            return false;
        }
        return Confirmation.ask(out, "  " + prompt + " Only 'yes' will be accepted: ");
    }
}
