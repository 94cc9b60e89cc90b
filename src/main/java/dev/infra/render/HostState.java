package dev.infra.render;

import dev.infra.inventory.Host;
import java.util.List;
import java.util.Optional;

/** Everything one host should have and do, as rendered from the inventory and templates. */
public record HostState(Host host, List<DesiredFile> files, List<ManagedEnv> env, List<ComposeProject> projects,
                        Duties duties, List<DesiredRelease> releases) {

    public HostState(Host host, List<DesiredFile> files, List<ManagedEnv> env, List<ComposeProject> projects, Duties duties) {
        this(host, files, env, projects, duties, List.of());
    }

    /** This state with every release wanted at {@code ref} by a rollback (no release command). */
    public HostState rollbackTo(String ref) {
        return new HostState(host, files, env, projects, duties, releases.stream().map(r -> r.rollbackTo(ref)).toList());
    }

    /** The release of a compose project, if it is shipped from git. */
    public Optional<DesiredRelease> releaseOf(String project) {
        return releases.stream().filter(r -> r.project().name().equals(project)).findFirst();
    }

    /** The managed keys of an env file infra has entries for, if any. */
    public Optional<ManagedEnv> envFor(String path) {
        return env.stream().filter(e -> e.path().equals(path)).findFirst();
    }

    /** The projects of the app/worker deployments (not NATS). */
    public List<ComposeProject> deploymentProjects() {
        return projects.stream().filter(p -> !p.nats()).toList();
    }
}
