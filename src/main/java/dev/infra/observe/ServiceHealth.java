package dev.infra.observe;

import java.util.List;
import java.util.Optional;

/**
 * Is a compose service up as declared? One judgement for the planner (start what is missing), apply's
 * health gate (wait until it settles) and verify (say what is wrong). Pure: containers in, verdict out.
 */
public final class ServiceHealth {
    /** Restarts at or above this count mean a restart loop even while the container shows "running". */
    public static final int RESTART_LOOP_COUNT = 3;

    public enum Kind {
        /** every wanted replica runs, healthy where a healthcheck exists */
        UP,
        /** no container at all */
        MISSING,
        /** fewer running than the scale asks for */
        TOO_FEW,
        /** running, but restarting or with a restart count of {@link #RESTART_LOOP_COUNT} or more */
        RESTART_LOOP,
        /** its healthcheck says unhealthy */
        UNHEALTHY,
        /** its healthcheck has not decided yet */
        STARTING
    }

    /**
     * @param culprit the container the verdict is about (for restart loops and health)
     */
    public record Verdict(Kind kind, String service, int scale, long running, Optional<ObservedContainer> culprit,
                          List<ObservedContainer> containers) {
        public boolean up() {
            return kind == Kind.UP;
        }

        /** One line a person reads: "ami-platform/celeryworker: 0 of 1 running (x exited)". */
        public String describe() {
            return switch (kind) {
                case UP -> service + ": " + running + " of " + scale + " running"
                        + (containers.stream().anyMatch(c -> "healthy".equals(c.health())) ? ", healthy" : "");
                case MISSING, TOO_FEW -> service + ": " + running + " of " + scale + " running ("
                        + (containers.isEmpty() ? "no container"
                        : String.join(", ", containers.stream().map(c -> c.name() + " " + c.state()).toList())) + ")";
                case RESTART_LOOP -> service + ": " + culprit.orElseThrow().name() + " is restart-looping ("
                        + culprit.get().restartCount() + " restarts)";
                case UNHEALTHY -> service + ": " + culprit.orElseThrow().name() + " is unhealthy";
                case STARTING -> service + ": " + culprit.orElseThrow().name() + " health is still starting";
            };
        }
    }

    private ServiceHealth() {}

    /** {@code service} is a label ("project/service"); {@code containers} are that service's. */
    public static Verdict judge(String service, int scale, List<ObservedContainer> containers) {
        long running = containers.stream().filter(ObservedContainer::running).count();
        if (containers.isEmpty()) {
            return new Verdict(Kind.MISSING, service, scale, 0, Optional.empty(), containers);
        }
        if (running < scale) {
            return new Verdict(Kind.TOO_FEW, service, scale, running, Optional.empty(), containers);
        }
        for (ObservedContainer c : containers) {
            if ("restarting".equals(c.state()) || c.restartCount() >= RESTART_LOOP_COUNT) {
                return new Verdict(Kind.RESTART_LOOP, service, scale, running, Optional.of(c), containers);
            }
        }
        for (ObservedContainer c : containers) {
            if ("unhealthy".equals(c.health())) {
                return new Verdict(Kind.UNHEALTHY, service, scale, running, Optional.of(c), containers);
            }
        }
        for (ObservedContainer c : containers) {
            if ("starting".equals(c.health())) {
                return new Verdict(Kind.STARTING, service, scale, running, Optional.of(c), containers);
            }
        }
        return new Verdict(Kind.UP, service, scale, running, Optional.empty(), containers);
    }
}
