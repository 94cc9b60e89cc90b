package dev.infra.lab;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.github.dockerjava.api.model.HostConfig;
import java.util.List;

/**
 * HostConfig with empty MaskedPaths and ReadonlyPaths — what the CLI's `--security-opt
 * systempaths=unconfined` sends. docker-java has no field for them; the inner Docker engine of a
 * lab host needs /proc and /sys unmasked.
 */
final class DindHostConfig extends HostConfig {
    private static final long serialVersionUID = 1L;

    @JsonProperty("MaskedPaths")
    private final List<String> maskedPaths = List.of();

    @JsonProperty("ReadonlyPaths")
    private final List<String> readonlyPaths = List.of();

    List<String> maskedPaths() {
        return maskedPaths;
    }

    List<String> readonlyPaths() {
        return readonlyPaths;
    }
}
