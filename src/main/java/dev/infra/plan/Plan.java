package dev.infra.plan;

import dev.infra.nats.JetStreamSnapshot;
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
                           List<SlurmChange> slurm) {
        public HostPlan(String host, List<String> roles, String reach, List<FileChange> files, List<ServiceChange> services,
                        Optional<String> error) {
            this(host, roles, reach, files, services, error, Optional.empty(), List.of(), List.of());
        }

        public boolean hasChanges() {
            return !files.isEmpty() || !services.isEmpty() || !slurm.isEmpty();
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
