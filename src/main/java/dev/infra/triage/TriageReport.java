package dev.infra.triage;

import dev.infra.inventory.JetStreamPolicy;
import dev.infra.nats.JobProgress;
import dev.infra.nats.JobStream;
import dev.infra.nats.TriageVerdict;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything `infra triage JOB` found, as data for its view.
 *
 * @param jetStreamError why JetStream could not be read, if it could not
 * @param workers        per app/worker host: its env and reach check lines ("STATUS message")
 * @param errors         per host: its containers' most frequent recent error lines
 */
public record TriageReport(String job, String inventory, Instant at, String since, String streamName, String consumerName,
                           JetStreamPolicy policy, Optional<String> jetStreamError, Optional<JobStream> stream,
                           Optional<JobStream.Consumer> consumer, long deadLetters, Optional<String> deadDetail,
                           Optional<JobProgress.Verdict> progress, Map<String, List<String>> workers,
                           Map<String, List<String>> errors, TriageVerdict.Verdict verdict) {}
