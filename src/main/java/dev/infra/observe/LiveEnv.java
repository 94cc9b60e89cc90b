package dev.infra.observe;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Does every running container carry the environment it must? The file may be right while the
 * container still runs with the old one ("file fixed, container never recreated"). Pure: the planner
 * recreates on the first mismatch, verify reports them all.
 */
public final class LiveEnv {
    private LiveEnv() {}

    /** A key a running container lacks ({@code live} empty) or holds with another value. */
    public record Mismatch(ObservedContainer container, String key, Optional<String> live, String wanted) {
        public boolean missing() {
            return live.isEmpty();
        }
    }

    /** {@code required} holds revealed values; exited containers serve nothing and are not judged. */
    public static List<Mismatch> mismatches(List<ObservedContainer> containers, Map<String, String> required) {
        List<Mismatch> out = new ArrayList<>();
        for (ObservedContainer c : containers) {
            if (!c.running()) {
                continue;
            }
            for (Map.Entry<String, String> e : required.entrySet()) {
                String live = c.env().get(e.getKey());
                if (live == null || !live.equals(e.getValue())) {
                    out.add(new Mismatch(c, e.getKey(), Optional.ofNullable(live), e.getValue()));
                }
            }
        }
        return out;
    }
}
