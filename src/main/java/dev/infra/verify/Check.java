package dev.infra.verify;

import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * A check to run: on which host, what it is, how long it may take. {@code timeoutStatus} is what
 * running out of time means: CRIT for a health endpoint that never answers, UNKNOWN otherwise.
 */
public record Check(String id, String host, Duration timeout, Status timeoutStatus, Callable<CheckResult.Outcome> body) {}
