package dev.infra.inventory;

import java.time.Duration;

/**
 * What the app's job streams and consumers must look like. The app creates them; infra checks them
 * against this and names them the way the app does.
 */
public record JetStreamPolicy(int maxDeliver, Duration ackWait, Duration maxAge, int maxAckPending, Naming naming, int replicas) {

    public JetStreamPolicy(int maxDeliver, Duration ackWait, Duration maxAge, int maxAckPending, Naming naming) {
        this(maxDeliver, ackWait, maxAge, maxAckPending, naming, 1);
    }

    /** Patterns with {id} for the job id, as the app names things (antenna: job_{id}, job-{id}-consumer). */
    public record Naming(String stream, String subject, String consumer, String dlqConsumer, String advisoryStream) {
        public String streamFor(String jobId) { return stream.replace("{id}", jobId); }
        public String subjectFor(String jobId) { return subject.replace("{id}", jobId); }
        public String consumerFor(String jobId) { return consumer.replace("{id}", jobId); }
        public String dlqConsumerFor(String jobId) { return dlqConsumer.replace("{id}", jobId); }
    }
}
