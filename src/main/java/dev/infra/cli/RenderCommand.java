package dev.infra.cli;

import dev.infra.inventory.Inventory;
import dev.infra.render.DesiredFile;
import dev.infra.render.HostState;
import dev.infra.render.LocalMirror;
import dev.infra.render.ManagedEnv;
import dev.infra.yaml.Suggest;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "render", mixinStandardHelpOptions = true,
        description = {"Write each host's desired files under DIR/<host>/.",
                "Nothing is sent anywhere. Paths under the SSH user's home (~/) land in DIR/<host>/home/. The managed keys of an",
                "env file land in <env file>.managed: infra merges them into the host's file, keeping every other line.",
                "Secrets stay references (${env:NAME}); they are resolved only when written to a host."})
final class RenderCommand implements Callable<Integer> {
    static final String MANAGED_SUFFIX = ".managed";

    @ParentCommand
    InfraCommand parent;

    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory to write into.")
    Path out;

    @Option(names = "--host", paramLabel = "HOST", description = "Only these hosts (repeatable).")
    List<String> hosts;

    @Override
    public Integer call() throws IOException {
        Inventory inv = parent.global.loadInventory(false);
        if (hosts != null) {
            for (String h : hosts) {
                if (!inv.hosts().containsKey(h)) {
                    throw new UserError("no host '" + h + "' in " + inv.file() + "." + Suggest.didYouMean(h, inv.hosts().keySet()));
                }
            }
        }
        LinkedHashMap<String, HostState> states = parent.global.renderer().render(inv);
        PrintWriter stdout = spec.commandLine().getOut();
        int count = 0;
        for (HostState state : states.values()) {
            if (hosts != null && !hosts.contains(state.host().name())) {
                continue;
            }
            Path hostDir = out.resolve(state.host().name());
            for (DesiredFile f : state.files()) {
                write(hostDir, f.path(), f.content(), stdout);
                count++;
            }
            for (ManagedEnv env : state.env()) {
                write(hostDir, env.path() + MANAGED_SUFFIX, env.rendered(), stdout);
                count++;
            }
        }
        stdout.println("Rendered " + count + " file(s) into " + out + ".");
        return ExitCodes.OK;
    }

    private static void write(Path hostDir, String remotePath, String content, PrintWriter stdout) throws IOException {
        Path target = hostDir.resolve(LocalMirror.pathFor(remotePath)).normalize();
        if (!target.startsWith(hostDir.normalize())) {
            throw new UserError("refusing to write outside the output directory: " + remotePath);
        }
        Files.createDirectories(target.getParent());
        Files.writeString(target, content, StandardCharsets.UTF_8);
        stdout.println("  " + target);
    }

}
