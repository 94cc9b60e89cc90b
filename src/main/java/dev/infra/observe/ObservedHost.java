package dev.infra.observe;

import dev.infra.release.Checkout;
import dev.infra.units.Hashing;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What one host has now, read in a single round trip: the bytes of every file infra manages there
 * (absent = empty), which compose it has, every container of its compose projects, and the restarts
 * an interrupted apply left due, and every running container of the host with its published ports
 * (to find those outside infra's projects that hold a port infra needs), and for the app's own
 * compose projects the configuration hash of each service as compose computes it now; on a SLURM
 * login host, the jobs squeue lists.
 */
public record ObservedHost(String host, Map<String, Optional<String>> files, String compose,
                           List<ObservedContainer> containers, Set<String> pendingRestarts, List<PortConflicts.Running> running,
                           Map<String, Map<String, String>> configHashes, Map<String, String> fileSha256,
                           Optional<SlurmQueue> slurm, Map<String, Checkout> checkouts) {

    public ObservedHost(String host, Map<String, Optional<String>> files, String compose, List<ObservedContainer> containers,
                        Set<String> pendingRestarts, List<PortConflicts.Running> running, Map<String, Map<String, String>> configHashes,
                        Map<String, String> fileSha256, Optional<SlurmQueue> slurm) {
        this(host, files, compose, containers, pendingRestarts, running, configHashes, fileSha256, slurm, Map.of());
    }

    /** The git checkout of a compose project shipped from git, as read. */
    public Optional<Checkout> checkout(String project) {
        return Optional.ofNullable(checkouts.get(project));
    }

    public ObservedHost(String host, Map<String, Optional<String>> files, String compose, List<ObservedContainer> containers,
                        Set<String> pendingRestarts, List<PortConflicts.Running> running, Map<String, Map<String, String>> configHashes) {
        this(host, files, compose, containers, pendingRestarts, running, configHashes, Map.of(), Optional.empty());
    }

    public ObservedHost(String host, Map<String, Optional<String>> files, String compose, List<ObservedContainer> containers,
                        Set<String> pendingRestarts) {
        this(host, files, compose, containers, pendingRestarts, List.of(), Map.of());
    }

    /** What compose would create {@code service} of {@code project} with now (`config --hash`), if it was read. */
    public Optional<String> configHash(String project, String service) {
        return Optional.ofNullable(configHashes.getOrDefault(project, Map.of()).get(service));
    }

    /**
     * The SHA-256 of the file's bytes as they are on the host (what apply's write guard compares): a
     * file that is not UTF-8 reads as text with replacement characters, so its hash comes from the bytes.
     */
    public Optional<String> fileSha256(String path) {
        return Optional.ofNullable(fileSha256.get(path)).or(() -> file(path).map(Hashing::sha256Hex));
    }

    public Optional<String> file(String path) {
        return files.getOrDefault(path, Optional.empty());
    }

    public List<ObservedContainer> containers(String project, String service) {
        return containers.stream().filter(c -> c.project().equals(project) && c.service().equals(service)).toList();
    }
}
