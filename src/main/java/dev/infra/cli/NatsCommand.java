package dev.infra.cli;

import dev.infra.fleet.Fleet;
import dev.infra.inventory.Inventory;
import dev.infra.nats.JetStreamAnalysis;
import dev.infra.nats.JobProgress;
import dev.infra.nats.JobStream;
import dev.infra.nats.NatsAdmin;
import dev.infra.nats.PruneList;
import dev.infra.nats.StaleStreams;
import dev.infra.units.Durations;
import dev.infra.view.JetStreamViews;
import dev.infra.view.JsonViews;
import dev.infra.view.Progress;
import io.nats.client.Dispatcher;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "nats", mixinStandardHelpOptions = true,
        description = {"Operate JetStream through the jump host.",
                "An SSH tunnel to the NATS host (no port needs to be public), with the inventory's jetstream_policy and the app's naming (job_{id}, job-{id}-consumer)."},
        subcommands = {NatsCommand.Streams.class, NatsCommand.Consumers.class, NatsCommand.DeadLetters.class,
                NatsCommand.Prune.class, NatsCommand.Watch.class})
final class NatsCommand extends CommandGroup {
    /** What a nats subcommand works with: the fleet (for the SSH connection) and a JetStream session. */
    record Session(Fleet fleet, NatsAdmin admin, Inventory inventory) {}

    interface Action {
        int run(Session s, PrintWriter out) throws IOException;
    }

    static int withNats(InfraCommand parent, CommandSpec spec, Action action) {
        try (Fleet f = FleetOptions.open(parent.global, 4)) {
            try (NatsAdmin admin = f.jetStream(Duration.ofSeconds(10))) {
                return action.run(new Session(f, admin, f.inventory()), spec.commandLine().getOut());
            }
        } catch (IOException e) {
            throw new UserError(e.getMessage());
        }
    }

    @Command(name = "streams", mixinStandardHelpOptions = true, description = "Streams with job id, age, size, consumers, last activity.")
    static final class Streams implements Callable<Integer> {
        @ParentCommand
        NatsCommand nats;

        @Option(names = "--stale", description = "Only stale job streams: older than max_age, or empty and idle.")
        boolean staleOnly;

        @Option(names = "--json", description = "Print JSON (format_version 1.0; schemas/nats-streams-1.0.schema.json).")
        boolean json;

        @Override
        public Integer call() {
            return withNats(nats.parent, nats.spec, (s, out) -> {
                Instant now = Instant.now();
                List<JobStream> streams = s.admin().streams();
                List<StaleStreams.Stale> stale = StaleStreams.find(streams, StaleStreams.Criteria.of(s.inventory().policy()), now);
                if (json) {
                    out.print(JsonViews.streams(streams, stale, staleOnly, now));
                } else {
                    JetStreamViews.streams(streams, stale, staleOnly, now, out);
                }
                return ExitCodes.OK;
            });
        }
    }

    @Command(name = "consumers", mixinStandardHelpOptions = true, description = "Consumer state against jetstream_policy.")
    static final class Consumers implements Callable<Integer> {
        @ParentCommand
        NatsCommand nats;

        @Option(names = "--stream", paramLabel = "S", description = "Only this stream.")
        String stream;

        @Option(names = "--json", description = "Print JSON (format_version 1.0; schemas/nats-consumers-1.0.schema.json).")
        boolean json;

        @Override
        public Integer call() {
            return withNats(nats.parent, nats.spec, (s, out) -> {
                List<JobStream> streams = s.admin().streams().stream().filter(js -> stream == null || stream.equals(js.name())).toList();
                if (json) {
                    out.print(JsonViews.consumers(streams, s.inventory().policy()));
                } else {
                    JetStreamViews.consumers(streams, s.inventory().policy(), Instant.now(), out);
                }
                return ExitCodes.OK;
            });
        }
    }

    @Command(name = "dead-letters", mixinStandardHelpOptions = true,
            description = {"Messages that exhausted max_deliver.",
                    "Found from consumer state (nothing pending or in flight, ack floor",
                    "below the last sequence) and from MAX_DELIVERIES advisories. --watch follows new ones live."})
    static final class DeadLetters implements Callable<Integer> {
        @ParentCommand
        NatsCommand nats;

        @Option(names = "--job", paramLabel = "ID", description = "Only this job.")
        String job;

        @Option(names = "--json", description = "Print JSON (format_version 1.0; schemas/nats-dead-letters-1.0.schema.json).")
        boolean json;

        @Option(names = "--watch", description = "After the report, print each new MAX_DELIVERIES advisory as it happens (Ctrl-C stops).")
        boolean watch;

        @Option(names = "--for", paramLabel = "DURATION", hidden = true, description = "Stop watching after this long (for scripts).")
        String watchFor;

        @Override
        public Integer call() {
            if (json && watch) {
                throw new UserError("--json prints one document and ends; --watch follows advisories as text: use one of them");
            }
            Duration watchLimit = watchFor == null ? Duration.ofDays(3650) : OptionValues.duration("--for", watchFor);
            return withNats(nats.parent, nats.spec, (s, out) -> {
                var naming = s.inventory().policy().naming();
                List<JobStream> streams = s.admin().streams().stream()
                        .filter(js -> job == null || js.name().equals(naming.streamFor(job))).toList();
                List<NatsAdmin.Advisory> advisories = s.admin().advisories().stream()
                        .filter(a -> job == null || a.stream().equals(naming.streamFor(job))).toList();
                List<JetStreamAnalysis.DeadLetters> fromState = JetStreamAnalysis.deadLetters(streams, naming, Map.of());
                boolean any;
                if (json) {
                    out.print(JsonViews.deadLetters(advisories, fromState, naming, Optional.ofNullable(job)));
                    any = !advisories.isEmpty() || !fromState.isEmpty();
                } else {
                    any = JetStreamViews.deadLetters(advisories, fromState, naming, Optional.ofNullable(job), out);
                }
                out.flush();
                if (watch) {
                    follow(s, out, naming.streamFor(job == null ? "*" : job), watchLimit);
                }
                return any ? ExitCodes.CHANGES : ExitCodes.OK;
            });
        }

        private void follow(Session s, PrintWriter out, String stream, Duration watchLimit) {
            String subject = "$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES." + (job == null ? ">" : stream + ".*");
            out.println("Watching " + subject + " (Ctrl-C to stop) …");
            out.flush();
            Dispatcher d = s.admin().connection().createDispatcher(msg -> {
                try {
                    NatsAdmin.Advisory a = NatsAdmin.Advisory.parse(msg.getData());
                    synchronized (out) {
                        out.println(Instant.now().truncatedTo(ChronoUnit.SECONDS) + " DEAD " + a.stream() + "/" + a.consumer()
                                + " stream seq " + a.streamSeq() + " after " + a.deliveries() + " deliveries");
                        out.flush();
                    }
                } catch (IOException e) {
                    out.println("unreadable advisory: " + e.getMessage());
                }
            });
            d.subscribe(subject);
            Durations.pause(watchLimit);
        }
    }

    @Command(name = "prune", mixinStandardHelpOptions = true,
            description = {"Delete stale job streams with their consumers.",
                    "Stale as `nats streams --stale` and verify's streams check list them; their job consumer and DLQ consumer go too. A dry run unless --yes. Never deletes a stream active within the threshold."})
    static final class Prune implements Callable<Integer> {
        @ParentCommand
        NatsCommand nats;

        @Option(names = "--older-than", paramLabel = "DURATION", description = "Age threshold (default: jetstream_policy.max_age).")
        String olderThan;

        @Option(names = "--empty", hidden = true, description = "Kept for old scripts: empty idle job streams are always stale now.")
        boolean empty;

        @Option(names = {"-y", "--yes"}, description = "Delete; without it, only list what would go and why.")
        boolean yes;

        @Option(names = "--include-pending", description = "Also delete stale streams whose job still has tasks pending or unacknowledged"
                + " (a hung job's remaining work is lost).")
        boolean includePending;

        @Option(names = "--save", paramLabel = "FILE", description = "With a dry run: keep the list shown, for --from.")
        Path save;

        @Option(names = "--from", paramLabel = "FILE", description = {"Delete only streams of a list saved by --save (what was shown and",
                "confirmed), each only if it is still stale; streams that became stale since are left for the next look."})
        Path from;

        @Override
        public Integer call() throws IOException {
            if (from != null && olderThan != null) {
                throw new UserError("--from deletes from a saved list with the criteria it was made with; drop --older-than");
            }
            if (save != null && yes) {
                throw new UserError("--save keeps a dry run's list; it cannot be combined with --yes");
            }
            Optional<PruneList> shown;
            try {
                shown = from == null ? Optional.empty() : Optional.of(PruneList.read(from));
            } catch (IllegalArgumentException e) {
                throw new UserError("--from: " + e.getMessage());
            }
            Optional<Duration> threshold = shown.isPresent() ? shown.get().olderThan()
                    : Optional.ofNullable(olderThan).map(t -> OptionValues.duration("--older-than", t));
            boolean pending = shown.map(PruneList::includePending).orElse(includePending);
            return withNats(nats.parent, nats.spec, (s, out) -> {
                List<StaleStreams.Stale> all = StaleStreams.find(s.admin().streams(),
                        StaleStreams.Criteria.of(s.inventory().policy(), threshold), Instant.now());
                List<StaleStreams.Stale> candidates = all.stream().filter(x -> pending || !x.holdsWork()).toList();
                List<StaleStreams.Stale> stale = shown.map(list -> candidates.stream().filter(x -> list.streams().contains(x.stream().name())).toList())
                        .orElse(candidates);
                if (shown.isPresent()) {
                    List<String> noLonger = shown.get().streams().stream()
                            .filter(n -> stale.stream().noneMatch(x -> x.stream().name().equals(n))).toList();
                    if (!noLonger.isEmpty()) {
                        out.println("Kept, no longer stale since the list was made: " + String.join(", ", noLonger));
                    }
                    long unseen = candidates.size() - stale.size();
                    if (unseen > 0) {
                        out.println(unseen + " more stream(s) are stale now; they were not in the list shown, so they stay until the next look.");
                    }
                }
                List<StaleStreams.Stale> kept = all.stream().filter(x -> !pending && x.holdsWork()).toList();
                if (!kept.isEmpty()) {
                    JetStreamViews.keptList(kept, out);
                }
                if (stale.isEmpty()) {
                    out.println("Nothing to prune.");
                    return ExitCodes.OK;
                }
                JetStreamViews.pruneList(stale, yes, out);
                if (!yes) {
                    if (save != null) {
                        PruneList.write(save, new PruneList(threshold, pending, stale.stream().map(x -> x.stream().name()).toList()));
                    }
                    out.println("Dry run: nothing was deleted. Run again with --yes to delete them"
                            + (save == null ? "." : ", or with --from " + save + " --yes to delete exactly these."));
                    return ExitCodes.OK;
                }
                int deleted = 0;
                try (Progress progress = nats.parent.global.progress("prune", nats.spec.commandLine().getErr())) {
                    for (int i = 0; i < stale.size(); i++) {
                        StaleStreams.Stale x = stale.get(i);
                        progress.update("deleting " + x.stream().name() + ", " + deleted + "/" + stale.size() + " deleted");
                        deleted += s.admin().deleteJob(x.stream().name(), x.stream().jobId()).contains(x.stream().name()) ? 1 : 0;
                    }
                    progress.finish(deleted + "/" + stale.size() + " deleted");
                }
                out.println("Deleted " + deleted + " job stream(s).");
                return deleted == stale.size() ? ExitCodes.OK : ExitCodes.ERROR;
            });
        }
    }

    @Command(name = "watch", mixinStandardHelpOptions = true,
            description = {"Per active job: stalls and time to completion.",
                    "A stall: no task picked up within --stall. The time to completion is estimated from the recent rate."})
    static final class Watch implements Callable<Integer> {
        @ParentCommand
        NatsCommand nats;

        @Option(names = "--stall", defaultValue = "10m", paramLabel = "DURATION", description = "No pickup for this long is a stall (default: ${DEFAULT-VALUE}).")
        String stall;

        @Option(names = "--interval", defaultValue = "30s", paramLabel = "DURATION", description = "Time between looks (default: ${DEFAULT-VALUE}).")
        String interval;

        @Option(names = "--for", paramLabel = "DURATION", description = "Stop after this long (default: until Ctrl-C).")
        String runFor;

        @Override
        public Integer call() {
            Duration stallAfter = OptionValues.duration("--stall", stall);
            Duration every = OptionValues.duration("--interval", interval);
            Instant until = runFor == null ? Instant.MAX : Instant.now().plus(OptionValues.duration("--for", runFor));
            return withNats(nats.parent, nats.spec, (s, out) -> {
                var naming = s.inventory().policy().naming();
                Map<String, JobProgress.Sample> previous = new HashMap<>();
                boolean stalled = false;
                while (true) {
                    Instant now = Instant.now();
                    List<String> lines = new ArrayList<>();
                    for (JobStream js : s.admin().streams()) {
                        if (js.jobId().isEmpty()) {
                            continue;
                        }
                        Optional<JobStream.Consumer> c = js.consumer(naming.consumerFor(js.jobId().get()));
                        if (c.isEmpty()) {
                            continue;
                        }
                        JobProgress.Verdict v = JobProgress.assess(js, c.get(), Optional.ofNullable(previous.get(js.name())), now, stallAfter);
                        previous.put(js.name(), new JobProgress.Sample(now, c.get().ackFloorStreamSeq()));
                        if (v.active()) {
                            lines.add("  job " + js.jobId().get() + ": " + v.text());
                            stalled |= v.stalled();
                        }
                    }
                    out.println(now.truncatedTo(ChronoUnit.SECONDS) + " " + (lines.isEmpty() ? "no active jobs" : lines.size() + " active job(s)"));
                    lines.forEach(out::println);
                    out.flush();
                    if (Instant.now().plus(every).isAfter(until)) {
                        return stalled ? ExitCodes.CHANGES : ExitCodes.OK;
                    }
                    Durations.pause(every);
                }
            });
        }
    }


}
