package dev.infra.render;

import dev.infra.inventory.Release;
import java.time.Duration;
import java.util.Optional;

/**
 * The version of the app a host's checkout should be at: the deployment's compose project, the
 * remote and ref it comes from, and whether this host is the one that runs the release command.
 */
public record DesiredRelease(String deployment, ComposeProject project, Release release, boolean runsCommand) {
    /** How long {@code service}'s old containers get to finish their work, if the inventory says (release.drain). */
    public Optional<Duration> stopGracePeriod(String service) {
        return Optional.ofNullable(release.drain().get(service));
    }

    public String dir() {
        return project.dir();
    }

    /** This release wanted at another ref by a rollback: no release command runs. */
    public DesiredRelease rollbackTo(String ref) {
        return new DesiredRelease(deployment, project, release.rollbackTo(ref), false);
    }
}
