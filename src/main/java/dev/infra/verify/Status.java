package dev.infra.verify;

/** Check outcomes, with the exit codes of `nats server check` and Nagios plugins. */
public enum Status {
    OK(0), WARN(1), CRIT(2), UNKNOWN(3);

    private final int exitCode;

    Status(int exitCode) {
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    /** For the overall result: CRIT beats UNKNOWN beats WARN beats OK. */
    public int severity() {
        return switch (this) {
            case OK -> 0;
            case WARN -> 1;
            case UNKNOWN -> 2;
            case CRIT -> 3;
        };
    }

    public static Status worst(Iterable<Status> all) {
        Status w = OK;
        for (Status s : all) {
            if (s.severity() > w.severity()) {
                w = s;
            }
        }
        return w;
    }

    public String nagios() {
        return switch (this) {
            case OK -> "OK";
            case WARN -> "WARNING";
            case CRIT -> "CRITICAL";
            case UNKNOWN -> "UNKNOWN";
        };
    }
}
