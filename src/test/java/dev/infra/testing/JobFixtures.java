package dev.infra.testing;

import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.io.IOException;
import java.time.Duration;

/** Jobs as the Antenna app creates them (antenna.md): stream, subject, durable consumer, DLQ consumer. */
public final class JobFixtures {
    private JobFixtures() {}

    public static void createJob(JetStreamManagement jsm, String id, long maxDeliver, Duration ackWait)
            throws IOException, JetStreamApiException {
        String stream = "job_" + id;
        String subject = "job." + id + ".tasks";
        jsm.addStream(StreamConfiguration.builder().name(stream).subjects(subject).maxAge(Duration.ofSeconds(86400))
                .storageType(StorageType.File).retentionPolicy(RetentionPolicy.Limits).build());
        jsm.addOrUpdateConsumer(stream, ConsumerConfiguration.builder().durable("job-" + id + "-consumer")
                .ackPolicy(AckPolicy.Explicit).deliverPolicy(DeliverPolicy.All).ackWait(ackWait)
                .maxDeliver(maxDeliver).maxAckPending(1000).filterSubject(subject).build());
    }
}
