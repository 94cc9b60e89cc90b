package dev.infra.verify;

import dev.infra.inventory.StoreDirRule;
import dev.infra.nats.JetStreamReport;
import dev.infra.observe.ObservedContainer.Mount;
import dev.infra.render.NatsServer;
import dev.infra.verify.CheckResult.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The JetStream check of one NATS server, as a pure function in the style of jsm.go's monitor
 * checks: the fetched report, what the desired state says the server must report, and the mounts of
 * its running container in; OK/WARN/CRIT with a message and a fix out.
 */
public final class JetStreamJudge {
    /** Store usage (memory or file, whichever is fuller) from which verify warns. */
    public static final double USAGE_WARN = 0.75;
    /** Store usage from which verify is critical: the next job may not fit. */
    public static final double USAGE_CRIT = 0.90;

    private JetStreamJudge() {}

    public static Outcome judge(JetStreamReport r, NatsServer want, List<Mount> mounts) {
        String fix = "infra apply --limit " + want.host();
        if (r.healthzStatus() != 200) {
            return Outcome.crit("/healthz?js-enabled-only=true says " + r.healthzStatus() + " " + r.healthzBody(),
                    "docker logs of the NATS container on " + want.host());
        }
        if (!r.enabled()) {
            return Outcome.crit("JetStream is disabled", fix);
        }
        Optional<String> temporary = StoreDirRule.problem(r.storeDir());
        if (temporary.isPresent()) {
            return Outcome.crit(temporary.get() + " (the live server's store_dir)",
                    fix + " (puts it on the named volume " + want.volume() + ")");
        }
        Optional<Mount> volume = mounts.stream()
                .filter(m -> "volume".equals(m.type()) && (r.storeDir().equals(m.destination()) || r.storeDir().startsWith(m.destination() + "/")))
                .findFirst();
        if (volume.isEmpty()) {
            return Outcome.crit("store_dir " + r.storeDir() + " is not inside a named volume of the NATS container", fix);
        }
        List<String> warnings = new ArrayList<>();
        if (r.maxMemory() != want.maxMemory().bytes()) {
            warnings.add("max_memory " + r.maxMemory() + " is not the inventory's " + want.maxMemory().bytes());
        }
        if (r.maxStorage() != want.maxFile().bytes()) {
            warnings.add("max_storage " + r.maxStorage() + " is not the inventory's " + want.maxFile().bytes());
        }
        double memUse = r.maxMemory() > 0 ? (double) r.memory() / r.maxMemory() : 0;
        double fileUse = r.maxStorage() > 0 ? (double) r.storage() / r.maxStorage() : 0;
        double use = Math.max(memUse, fileUse);
        String usage = String.format(Locale.ROOT, "memory %.0f%%, file %.0f%% of the limits", memUse * 100, fileUse * 100);
        if (use >= USAGE_CRIT) {
            return Outcome.crit("JetStream store nearly full: " + usage, "prune stale streams (infra nats prune) or raise the limits");
        }
        if (use >= USAGE_WARN) {
            warnings.add("JetStream store filling up: " + usage);
        }
        if (!warnings.isEmpty()) {
            return Outcome.warn(String.join("; ", warnings), fix);
        }
        return Outcome.ok("healthy; store " + r.storeDir() + " on volume " + volume.get().name() + "; " + usage);
    }
}
