package dev.infra.inventory;

import java.time.Duration;
import java.util.Optional;

/** A processing service's readiness URL, checked in parallel, each under its own timeout. */
public record HealthEndpoint(String name, String url, Duration timeout, Optional<String> checkFrom) {}
