package dev.infra.plan;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A plan saved by `infra plan --out`, with what it was made for: the --limit, a hash of the desired
 * state, and (in the plan) a fingerprint of every host it read. It applies only while all of them hold.
 */
public record SavedPlan(Plan plan, String limit, String desiredSha256, String createdAt, String desiredSalt) {

    /** Why the saved plan no longer describes the fleet, if it does not; pure. */
    public Optional<String> staleness(Plan now, String desiredHashNow) {
        if (!desiredHashNow.equals(desiredSha256)) {
            return Optional.of("the saved plan is stale: the inventory or templates changed since it was made ("
                    + createdAt + "). Run `infra plan --out FILE` again.");
        }
        Map<String, String> then = plan.fingerprints();
        for (Map.Entry<String, String> e : now.fingerprints().entrySet()) {
            if (!Objects.equals(then.get(e.getKey()), e.getValue())) {
                return Optional.of("the saved plan is stale: " + e.getKey() + " changed since it was planned ("
                        + createdAt + "). Nothing was applied. Run `infra plan --out FILE` again.");
            }
        }
        if (!then.keySet().equals(now.fingerprints().keySet())) {
            return Optional.of("the saved plan is stale: it covers other hosts (" + then.keySet() + ")");
        }
        return Optional.empty();
    }
}
