package dev.infra.observe;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What one host has now, read in a single round trip: the bytes of every file infra manages there
 * (absent = empty), which compose it has, every container of its compose projects, and the restarts
 * an interrupted apply left due, and every running container of the host with its published ports
 * (to find those outside infra's projects that hold a port infra needs), and for the app's own
 * compose projects the configuration hash of each service as compose computes it now.
 */
public record ObservedHost(String host, Map<String, Optional<String>> files, String compose,
                           List<ObservedContainer> containers, Set<String> pendingRestarts, List<PortConflicts.Running> running,
                           Map<String, Map<String, String>> configHashes) {

    public ObservedHost(String host, Map<String, Optional<String>> files, String compose, List<ObservedContainer> containers,
                        Set<String> pendingRestarts) {
        this(host, files, compose, containers, pendingRestarts, List.of(), Map.of());
    }

    /** What compose would create {@code service} of {@code project} with now (`config --hash`), if it was read. */
    public Optional<String> configHash(String project, String service) {
        return Optional.ofNullable(configHashes.getOrDefault(project, Map.of()).get(service));
    }

    public Optional<String> file(String path) {
        return files.getOrDefault(path, Optional.empty());
    }

    public List<ObservedContainer> containers(String project, String service) {
        return containers.stream().filter(c -> c.project().equals(project) && c.service().equals(service)).toList();
    }
}
