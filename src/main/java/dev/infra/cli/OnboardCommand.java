package dev.infra.cli;

import dev.infra.fleet.Who;
import dev.infra.onboard.Onboarding;
import dev.infra.ssh.SshPool;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "onboard", mixinStandardHelpOptions = true,
        description = {"Turn a bare machine into a working fleet host.",
                "In one step: pin its host key (only when confirmed,",
                "or when --host-key matches), check prerequisites, add it to the inventory (comments and formatting kept),",
                "then plan, apply and verify that host only. If anything after the inventory edit fails, it is all undone."})
final class OnboardCommand implements Callable<Integer> {
    @ParentCommand
    InfraCommand parent;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "The new host's inventory name.")
    String name;

    @Option(names = "--address", required = true, paramLabel = "ADDR", description = "Where SSH reaches it (through the jump host).")
    String address;

    @Option(names = "--via", paramLabel = "JUMP", description = "Jump host (default: the inventory's ssh.via).")
    String via;

    @Option(names = "--role", defaultValue = "worker", paramLabel = "ROLE", description = "worker (default) or app.")
    String role;

    @Option(names = "--user", paramLabel = "U", description = "SSH user (default: the inventory's).")
    String user;

    @Option(names = "--host-key", paramLabel = "SHA256:…", description = "The expected host key fingerprint (non-interactive use).")
    String hostKey;

    @Override
    public Integer call() throws IOException {
        if (!role.equals("worker") && !role.equals("app")) {
            throw new UserError("--role must be worker or app");
        }
        GlobalOptions g = parent.global;
        PrintWriter out = spec.commandLine().getOut();
        Onboarding.Env env = new Onboarding.Env(file -> g.loadInventoryFrom(file, true), inv -> g.fleet(inv, 2), g.style(), Who.current());
        try {
            boolean ok = new Onboarding(env, out).onboard(g.inventoryPath(),
                    new Onboarding.NewHost(name, address, role, Optional.ofNullable(via), Optional.ofNullable(user)), key -> confirmed(key, out));
            return ok ? ExitCodes.OK : ExitCodes.ERROR;
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
    }

    private boolean confirmed(SshPool.HostKey key, PrintWriter out) {
        if (hostKey != null) {
            boolean ok = hostKey.equals(key.fingerprint());
            out.println(ok ? "  matches --host-key" : "  does NOT match --host-key " + hostKey + ": refusing (someone in between, or the wrong host)");
            return ok;
        }
        if (!Confirmation.interactive()) {
            out.println("  not confirmed: check it on the host (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub) and run again with --host-key "
                    + key.fingerprint());
            return false;
        }
        return Confirmation.ask(out, "  Pin this host key? Check it out of band first. Only 'yes' will be accepted: ");
    }
}
