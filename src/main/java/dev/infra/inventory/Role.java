package dev.infra.inventory;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** What a host is for. A host may have several roles. */
public enum Role {
    BASTION, NATS, APP, WORKER,
    /** a SLURM cluster's login host: infra keeps worker jobs running through it (see {@code slurm:}) */
    SLURM;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Role> parse(String s) {
        return Arrays.stream(values()).filter(r -> r.id().equals(s)).findFirst();
    }

    public static List<String> ids() {
        return Arrays.stream(values()).map(Role::id).toList();
    }
}
