package dev.infra.verify;

import dev.infra.inventory.JetStreamPolicy;
import dev.infra.nats.ClusterReport;
import dev.infra.nats.ClusterReport.Peer;
import dev.infra.nats.ClusterReport.StreamGroup;
import dev.infra.nats.JetStreamAnalysis;
import dev.infra.verify.CheckResult.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The health of a JetStream cluster as one pure judgement (jsm.go's meta and stream checks, in
 * infra's words): the reports of the servers that answered, the server names the inventory
 * declares, and the replica count the job streams must have, in; OK/WARN/CRIT with a fix out.
 * One server down is a WARN naming it (the fleet still works); a majority down is CRIT.
 */
public final class ClusterJudge {
    /** A peer the meta leader has not heard from for this long counts as down, whatever else it says. */
    public static final Duration LAST_SEEN_MAX = Duration.ofSeconds(10);
    /** A peer further behind than this many operations is catching up, not current. */
    public static final long LAG_WARN = 1000;

    private ClusterJudge() {}

    /**
     * @param reports        what each server that answered reported (a server that did not answer is absent)
     * @param expected the server names the inventory declares
     * @param policy   the replica count job streams must have, and how the app names them
     */
    public static Outcome judge(List<ClusterReport> reports, List<String> expected, JetStreamPolicy policy) {
        return judge(reports, expected, policy, true);
    }

    /**
     * Whether a server may be taken away now: {@link #judge} without the replica-count policy (a job
     * stream the app made with fewer replicas is verify's warning, not a reason to refuse a change).
     */
    public static Outcome readyToRoll(List<ClusterReport> reports, List<String> expected, JetStreamPolicy policy) {
        return judge(reports, expected, policy, false);
    }

    private static Outcome judge(List<ClusterReport> reports, List<String> expected, JetStreamPolicy policy, boolean replicaPolicy) {
        String fix = "docker logs of the NATS container on the named host; infra apply --limit nats once it is back";
        int size = expected.size();
        int quorum = size / 2 + 1;
        Set<String> down = new LinkedHashSet<>(expected);
        reports.forEach(r -> down.remove(r.server()));
        Optional<ClusterReport> leader = reports.stream().filter(ClusterReport::isLeader).findFirst();
        Map<String, String> why = new LinkedHashMap<>();
        down.forEach(n -> why.put(n, "does not answer"));
        List<String> warnings = new ArrayList<>();
        if (leader.isPresent()) {
            for (Peer p : leader.get().peers()) {
                if (!expected.contains(p.name())) {
                    warnings.add("peer " + p.name() + " is in the cluster but not in the inventory");
                } else if (p.offline() || p.active().compareTo(LAST_SEEN_MAX) > 0) {
                    down.add(p.name());
                    why.putIfAbsent(p.name(), "last seen " + p.active().toSeconds() + " s ago by the leader");
                } else if (!p.current() || p.lag() > LAG_WARN) {
                    warnings.add(p.name() + " is catching up (lag " + p.lag() + ")");
                }
            }
            for (String name : expected) {
                if (!name.equals(leader.get().server()) && leader.get().peers().stream().noneMatch(p -> p.name().equals(name))) {
                    warnings.add(name + " is in the inventory but not a peer of the cluster");
                }
            }
        }
        int up = size - down.size();
        if (up < quorum) {
            return Outcome.crit("no quorum: " + down.size() + " of " + size + " servers down (" + describe(why, down)
                    + "); JetStream takes no writes and jobs stall", fix);
        }
        if (leader.isEmpty()) {
            return Outcome.crit("no meta leader among " + up + " answering server(s): JetStream takes no writes", fix);
        }
        for (StreamGroup s : streams(reports)) {
            if (s.leader().isEmpty()) {
                return Outcome.crit("stream " + s.name() + " has no leader: its job takes no tasks", fix);
            }
            if (replicaPolicy && s.replicaCount() != policy.replicas() && JetStreamAnalysis.jobId(s.name(), policy.naming()).isPresent()) {
                warnings.add(s.name() + " has " + s.replicaCount() + " replica(s), the policy says " + policy.replicas());
            }
            for (Peer r : s.replicas()) {
                if (!down.contains(r.name()) && (r.offline() || !r.current())) {
                    warnings.add(s.name() + "'s replica on " + r.name() + " is not current");
                }
            }
        }
        if (!down.isEmpty()) {
            warnings.add(0, describe(why, down) + " (" + down.size() + " of " + size + " down; the cluster keeps quorum)");
        }
        if (!warnings.isEmpty()) {
            return Outcome.warn(String.join("; ", warnings), fix);
        }
        return Outcome.ok("meta leader " + leader.get().server() + ", " + size + " of " + size + " peers current");
    }

    /** Each stream once, as its leader reports it when the leader answered (followers may lag in what they say). */
    private static List<StreamGroup> streams(List<ClusterReport> reports) {
        Map<String, StreamGroup> out = new LinkedHashMap<>();
        for (ClusterReport r : reports) {
            for (StreamGroup s : r.streams()) {
                boolean fromLeader = s.leader().map(r.server()::equals).orElse(false);
                if (fromLeader || !out.containsKey(s.name())) {
                    out.put(s.name(), s);
                }
            }
        }
        return List.copyOf(out.values());
    }

    private static String describe(Map<String, String> why, Set<String> down) {
        List<String> parts = new ArrayList<>();
        down.forEach(n -> parts.add(n + " " + why.getOrDefault(n, "is down")));
        return String.join(", ", parts);
    }
}
