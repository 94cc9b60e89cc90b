package dev.infra.report;

import dev.infra.verify.CheckResult;
import dev.infra.verify.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Everything `infra report` shows, gathered once: the hosts with their roles, services, verify
 * checks, drift and last apply; NATS health and the job streams; and what could not be read. Plain
 * data: the topology and the HTML view read it, nothing else.
 */
public record FleetReport(String inventory, Instant generated, Duration took, List<HostEntry> hosts, NatsSection nats,
                          List<String> unread) {

    public Status status() {
        return Status.worst(hosts.stream().map(HostEntry::status).toList());
    }

    /**
     * One host as the operator sees it.
     *
     * @param via         the jump host it is reached through (empty: directly from the operator's machine)
     * @param natsTargets the inventory names of the NATS hosts its containers must reach
     * @param auditRead   its audit log was read (an empty {@code lastApply} then means: never applied)
     */
    public record HostEntry(String name, String address, List<String> roles, Optional<String> via, boolean jumpHost, Status status,
                            List<ServiceState> services, List<CheckResult> checks, List<String> natsTargets, Drift drift,
                            Optional<Apply> lastApply, boolean auditRead) {
        /** The checks that did not pass, worst first. */
        public List<CheckResult> failing() {
            return checks.stream().filter(c -> c.status() != Status.OK)
                    .sorted((a, b) -> b.status().severity() - a.status().severity()).toList();
        }

        /** The NATS reach check's status ("reach"), which colours the host's path to NATS. */
        public Status reachStatus() {
            return checks.stream().filter(c -> c.id().equals("reach")).map(CheckResult::status).findFirst().orElse(status);
        }
    }

    /** A service the inventory wants on the host: how many containers run of how many wanted (-1: not read). */
    public record ServiceState(String project, String service, int running, int wanted) {
        public boolean up() {
            return running >= wanted;
        }
    }

    public enum DriftState { IN_SYNC, DRIFTED, UNKNOWN }

    /** Does the host match the inventory: {@code changes} lists what apply would do, {@code why} why it is unknown. */
    public record Drift(DriftState state, List<String> changes, String why) {}

    /** The last line of the host's audit log (~/.infra/audit.log). */
    public record Apply(String time, String who, String command, String result, List<String> changes, String error) {}

    /** NATS: its checks (server, cluster, store usage against the limits, streams, consumers) and the job streams. */
    public record NatsSection(List<CheckResult> checks, List<JobRow> jobs, Optional<String> unreadable) {}

    /**
     * One job stream. {@code progress} is the share of its messages acknowledged (0..1); {@code eta} an
     * estimate at the job's average rate so far, or why there is none.
     */
    public record JobRow(String stream, String jobId, Duration age, long messages, long pending, long ackPending, long redelivered,
                         long deadLetters, Optional<Instant> lastActivity, double progress, String eta, boolean stale) {}
}
