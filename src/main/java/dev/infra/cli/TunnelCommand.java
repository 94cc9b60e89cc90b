package dev.infra.cli;

import dev.infra.fleet.Fleet;
import dev.infra.inventory.Host;
import dev.infra.render.NatsServer;
import dev.infra.ssh.Forward;
import dev.infra.units.Durations;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "tunnel", mixinStandardHelpOptions = true,
        description = {"Forward a local port through the jump host to NATS.",
                "Like `ssh -L 8222:localhost:8222 ami-cc -t ssh -L 8222:localhost:8222 ami-redis-1` in one step."})
final class TunnelCommand implements Callable<Integer> {
    @ParentCommand
    InfraCommand parent;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "monitor|client", description = "monitor: the HTTP monitoring port (8222); client: NATS itself (4222).")
    String what;

    @Option(names = "--port", paramLabel = "N", description = "Local port on 127.0.0.1 (default: the same as the remote one).")
    Integer port;

    @Option(names = "--for", paramLabel = "DURATION", description = "Close after this long (default: until Ctrl-C).")
    String runFor;

    @Option(names = "--server", paramLabel = "HOST", description = "The NATS host to reach (default: the first one that answers).")
    String serverName;

    /** The named NATS server, else the first one that answers (in a cluster, any healthy one will do). */
    private NatsServer pick(Fleet f, PrintWriter out) {
        List<NatsServer> servers = f.desiredFleet().natsServers();
        if (servers.isEmpty()) {
            throw new UserError("the inventory has no NATS server");
        }
        if (serverName != null) {
            return servers.stream().filter(s -> s.host().equals(serverName)).findFirst()
                    .orElseThrow(() -> new UserError("--server " + serverName + " is not a NATS host; NATS hosts: "
                            + String.join(", ", servers.stream().map(NatsServer::host).toList())));
        }
        if (servers.size() == 1) {
            return servers.get(0);
        }
        Optional<NatsServer> answering = f.answeringNatsServer();
        if (answering.isEmpty()) {
            out.println("No NATS server answers its monitoring port; tunnelling to " + servers.get(0).host() + " anyway.");
        } else if (!answering.get().equals(servers.get(0))) {
            out.println(servers.get(0).host() + " does not answer; using " + answering.get().host() + ".");
        }
        return answering.orElse(servers.get(0));
    }

    @Override
    public Integer call() {
        if (!what.equals("monitor") && !what.equals("client")) {
            throw new UserError("tunnel what? monitor or client, not '" + what + "'");
        }
        // Every option is checked before anything is contacted.
        if (port != null && (port < 0 || port > 65535)) {
            throw new UserError("--port must be between 0 and 65535 (0: any free port), not " + port);
        }
        Duration openFor = runFor == null ? Duration.ofDays(3650) : OptionValues.duration("--for", runFor);
        PrintWriter out = spec.commandLine().getOut();
        try (Fleet f = FleetOptions.open(parent.global, 1)) {
            NatsServer server = pick(f, out);
            Host nats = f.host(server.host());
            int remote = what.equals("monitor") ? server.monitorPort() : server.clientPort();
            try (Forward fw = f.remote(nats).forward("127.0.0.1", remote, port == null ? remote : port)) {
                String url = what.equals("monitor") ? "http://127.0.0.1:" + fw.localPort() : "nats://127.0.0.1:" + fw.localPort();
                out.println("Forwarding " + url + " → " + nats.name() + ":127.0.0.1:" + remote + " (" + nats.reachedHow() + ").");
                if (what.equals("monitor")) {
                    out.println("Open " + url + "/ in a browser, or give that URL to a NATS dashboard (e.g. https://natsdashboard.com).");
                }
                out.println(runFor == null ? "Ctrl-C closes the tunnel." : "Closing after " + runFor + ".");
                out.flush();
                Durations.pause(openFor);
            }
            return ExitCodes.OK;
        }
    }
}
