package dev.infra.plan;

import dev.infra.nats.JetStreamSnapshot;
import dev.infra.release.Checkout;
import dev.infra.slurm.SlurmChange;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What `infra apply` would do, as plain data: the text view, the JSON view and the saved plan file
 * all render this one model. Values of secrets never enter it (they are masked when planned).
 *
 * @param fingerprints per host, a hash of what was observed; a saved plan applies only while they hold
 */
public record Plan(String formatVersion, String inventory, String createdAt, List<HostPlan> hosts,
                   Map<String, String> fingerprints) {
    public static final String FORMAT_VERSION = "1.0";

    /**
     * @param notes what infra saw but does not change: the app's own changes (its compose file edited
     *              or pulled since its containers were made); they never count as changes
     */
    public record HostPlan(String host, List<String> roles, String reach, List<FileChange> files,
                           List<ServiceChange> services, Optional<String> error, Optional<StoreMove> storeMove, List<String> notes,
                           List<SlurmChange> slurm, List<VersionChange> versions) {
        public HostPlan(String host, List<String> roles, String reach, List<FileChange> files, List<ServiceChange> services,
                        Optional<String> error) {
            this(host, roles, reach, files, services, error, Optional.empty(), List.of(), List.of(), List.of());
        }

        public HostPlan(String host, List<String> roles, String reach, List<FileChange> files, List<ServiceChange> services,
                        Optional<String> error, Optional<StoreMove> storeMove, List<String> notes, List<SlurmChange> slurm) {
            this(host, roles, reach, files, services, error, storeMove, notes, slurm, List.of());
        }

        public boolean hasChanges() {
            return !files.isEmpty() || !services.isEmpty() || !slurm.isEmpty() || !versions.isEmpty();
        }

        public Optional<VersionChange> version(String project) {
            return versions.stream().filter(v -> v.project().equals(project)).findFirst();
        }
    }

    /**
     * A compose project's checkout moving to another version of the app: {@code from} → {@code to}
     * (full commit ids), {@code ahead} commits gained and {@code behind} left (a rollback), the newest
     * commits' "short subject" lines. {@code modified}: tracked files changed on the host (apply stops
     * that host); {@code published} false: HEAD holds commits the remote lacks (apply stops too).
     * {@code command}: the release command this host runs once before the rollout, if it is the one.
     * {@code fromTag}: a tag of the remote at {@code from}, if any (the name of the version left).
     */
    public record VersionChange(String project, String dir, String remote, String ref, String from, String to, int ahead, int behind,
                                List<String> log, List<String> modified, boolean published, Optional<String> command,
                                Optional<String> fromTag) {
        public String range() {
            return Checkout.shortSha(from) + " → " + Checkout.shortSha(to);
        }

        /** Why apply will stop on this host, if it will. */
        public Optional<String> blocker() {
            if (!modified.isEmpty()) {
                return Optional.of("the checkout " + dir + " has local changes to: " + String.join(" ", modified)
                        + " — commit, stash or discard them, then run infra again");
            }
            if (!published) {
                return Optional.of("HEAD " + Checkout.shortSha(from) + " of " + dir + " is on no branch or tag of the remote (local commits?):"
                        + " push or drop them, then run infra again");
            }
            return Optional.empty();
        }
    }

    /**
     * Recreating the NATS container moves JetStream's store: from {@code from} inside {@code container}
     * to {@code to} on the named volume {@code volume}. {@code atStake} is what the server held when
     * planned; {@code unreadable} says why it could not be read ("" when it was): apply then refuses
     * unless data loss is allowed. {@code joinReplicas} &gt; 0: the server joins a cluster, where its
     * standalone streams would not be known, so each is carried over (snapshot, restore) with that many replicas.
     */
    public record StoreMove(String service, String container, String from, String volume, String to, JetStreamSnapshot atStake,
                            String unreadable, int joinReplicas) {
        public boolean readable() {
            return unreadable.isEmpty();
        }

        public boolean joinsCluster() {
            return joinReplicas > 0;
        }
    }

    /** A managed file. For the shared env file, {@code env} lists the key changes and {@code diff} is empty. */
    public record FileChange(String path, Action action, String diff, List<EnvChange> env) {
        public boolean isEnv() {
            return !env.isEmpty();
        }
    }

    /** One managed key of an env file; values are shown masked when sensitive. */
    public record EnvChange(String key, Action action, Optional<String> before, String after, boolean sensitive) {}

    /** A service to start, recreate or reload: {@code reason} for tools, {@code detail} for people. */
    public record ServiceChange(String project, String service, Action action, Reason reason, String detail) {}

    public record Summary(int add, int change, int remove) {
        public boolean empty() {
            return add + change + remove == 0;
        }
    }

    public Summary summary() {
        int add = 0;
        int change = 0;
        int remove = 0;
        for (HostPlan h : hosts) {
            for (FileChange f : h.files()) {
                if (f.isEnv()) {
                    for (EnvChange e : f.env()) {
                        switch (e.action()) {
                            case CREATE -> add++;
                            case DELETE -> remove++;
                            default -> change++;
                        }
                    }
                } else {
                    switch (f.action()) {
                        case CREATE -> add++;
                        case DELETE -> remove++;
                        default -> change++;
                    }
                }
            }
            for (ServiceChange s : h.services()) {
                switch (s.action()) {
                    case CREATE -> add++;
                    case DELETE -> remove++;
                    default -> change++;
                }
            }
            change += h.versions().size();
            for (SlurmChange c : h.slurm()) {
                if (c.kind() == SlurmChange.Kind.SUBMIT) {
                    add += c.count();
                } else {
                    remove += c.count();
                }
            }
        }
        return new Summary(add, change, remove);
    }

    public boolean hasErrors() {
        return hosts.stream().anyMatch(h -> h.error().isPresent());
    }
}
