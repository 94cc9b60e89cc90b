package dev.infra.nats;

import dev.infra.inventory.Inventory;
import dev.infra.inventory.JetStreamPolicy;
import dev.infra.inventory.NatsService;
import dev.infra.secrets.SecretValues;
import dev.infra.ssh.Forward;
import dev.infra.ssh.Remote;
import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.StreamInfo;
import io.nats.client.api.StreamInfoOptions;
import io.nats.client.support.JsonParseException;
import io.nats.client.support.JsonParser;
import io.nats.client.support.JsonValue;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * JetStream through the jump host: an SSH forward to the NATS host's own 127.0.0.1:4222 (no port
 * needs to be public) and jnats on top, with the inventory's credentials.
 */
public final class NatsAdmin implements AutoCloseable {
    private final Forward forward;
    private final Connection connection;
    private final JetStreamManagement jsm;
    private final JetStreamPolicy.Naming naming;

    public NatsAdmin(Remote natsHost, Inventory inv, SecretValues secrets, Duration timeout) throws IOException {
        this(natsHost, inv.nats().clientPort(), inv, secrets, timeout);
    }

    /** A NATS server listening on {@code port} of the host's loopback. */
    public NatsAdmin(Remote natsHost, int port, Inventory inv, SecretValues secrets, Duration timeout) throws IOException {
        NatsService nats = inv.nats();
        this.naming = inv.policy().naming();
        this.forward = natsHost.forward("127.0.0.1", port, 0);
        Options.Builder options = new Options.Builder()
                .server("nats://127.0.0.1:" + forward.localPort())
                .noRandomize()
                .ignoreDiscoveredServers()
                .connectionTimeout(timeout)
                .maxReconnects(0)
                .connectionName("infra")
                // Failures surface as exceptions with a message; jnats's own logger would print them twice.
                .errorListener(new ErrorListener() { });
        nats.auth().ifPresent(a -> {
            a.token().ifPresent(t -> options.token(secrets.reveal(t).toCharArray()));
            if (a.user().isPresent() && a.password().isPresent()) {
                options.userInfo(a.user().get(), secrets.reveal(a.password().get()));
            }
        });
        try {
            this.connection = Nats.connect(options.build());
            this.jsm = connection.jetStreamManagement();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            forward.close();
            throw new IOException("interrupted", e);
        } catch (IOException | RuntimeException e) {
            forward.close();
            throw new IOException("cannot connect to NATS on " + natsHost.endpoint().name() + " through SSH: " + e.getMessage(), e);
        }
    }

    public Connection connection() {
        return connection;
    }

    public JetStreamManagement management() {
        return jsm;
    }

    /** Every stream with its consumers. */
    public List<JobStream> streams() throws IOException {
        return streams(jsm, naming);
    }

    /** Every stream with its consumers, of the JetStream {@code jsm} manages. */
    public static List<JobStream> streams(JetStreamManagement jsm, JetStreamPolicy.Naming naming) throws IOException {
        try {
            List<JobStream> out = new ArrayList<>();
            for (StreamInfo info : jsm.getStreams()) {
                String name = info.getConfiguration().getName();
                List<JobStream.Consumer> consumers = new ArrayList<>();
                for (ConsumerInfo c : jsm.getConsumers(name)) {
                    consumers.add(new JobStream.Consumer(c.getName(), c.getNumPending(), c.getNumAckPending(),
                            c.getRedelivered(), c.getNumWaiting(),
                            c.getDelivered().getStreamSequence(), c.getAckFloor().getStreamSequence(),
                            instant(c.getDelivered().getLastActive()),
                            latest(c.getDelivered().getLastActive(), c.getAckFloor().getLastActive()),
                            c.getConsumerConfiguration().getMaxDeliver(),
                            c.getConsumerConfiguration().getAckWait()));
                }
                var state = info.getStreamState();
                out.add(new JobStream(name, JetStreamAnalysis.jobId(name, naming), info.getCreateTime().toInstant(),
                        state.getMsgCount(), state.getByteCount(), state.getFirstSequence(), state.getLastSequence(),
                        instant(state.getLastTime()).filter(t -> state.getMsgCount() > 0), List.copyOf(consumers)));
            }
            return out;
        } catch (JetStreamApiException e) {
            throw new IOException("JetStream refused: " + e.getMessage(), e);
        }
    }

    /**
     * Sequences named by MAX_DELIVERIES advisories kept in the app's advisories stream, keyed
     * "stream.consumer". Empty when that stream does not exist.
     */
    public Map<String, List<Long>> maxDeliveriesAdvisories() throws IOException {
        Map<String, List<Long>> out = new LinkedHashMap<>();
        for (Advisory a : advisories()) {
            out.computeIfAbsent(a.stream() + "." + a.consumer(), k -> new ArrayList<>()).add(a.streamSeq());
        }
        return out;
    }

    /** One MAX_DELIVERIES advisory: a message the server gave up on. */
    public record Advisory(String stream, String consumer, long streamSeq, long deliveries, String timestamp) {
        public static Advisory parse(byte[] data) throws IOException {
            try {
                var json = JsonParser.parse(data).map;
                return new Advisory(json.get("stream").string, json.get("consumer").string, number(json.get("stream_seq")),
                        number(json.get("deliveries")), json.containsKey("timestamp") ? json.get("timestamp").string : "");
            } catch (JsonParseException | RuntimeException e) {
                throw new IOException("an advisory is not what NATS sends: " + e.getMessage(), e);
            }
        }

        private static long number(JsonValue v) {
            return v.l != null ? v.l : v.i != null ? v.i.longValue() : v.bi != null ? v.bi.longValue() : 0;
        }
    }

    /** Every MAX_DELIVERIES advisory kept in the app's advisories stream (none when it does not exist). */
    public List<Advisory> advisories() throws IOException {
        List<Advisory> out = new ArrayList<>();
        String prefix = "$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.";
        try {
            StreamInfo info = jsm.getStreamInfo(naming.advisoryStream(), StreamInfoOptions.filterSubjects(prefix + ">"));
            if (info.getStreamState().getSubjectMap() == null || info.getStreamState().getSubjectMap().isEmpty()) {
                return out;
            }
            // Only the MAX_DELIVERIES subjects are read, one "next by subject" request per advisory.
            long seq = info.getStreamState().getFirstSequence();
            long last = info.getStreamState().getLastSequence();
            while (seq <= last) {
                MessageInfo msg;
                try {
                    msg = jsm.getNextMessage(naming.advisoryStream(), seq, prefix + ">");
                } catch (JetStreamApiException none) {
                    break;
                }
                out.add(Advisory.parse(msg.getData()));
                seq = msg.getSeq() + 1;
            }
            return out;
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == 10059) {
                return out;
            }
            throw new IOException("JetStream refused: " + e.getMessage(), e);
        }
    }

    /** Deletes a job's stream (its consumers go with it) and its DLQ consumer on the advisories stream. */
    public List<String> deleteJob(String stream, Optional<String> jobId) throws IOException {
        List<String> deleted = new ArrayList<>();
        try {
            if (jobId.isPresent()) {
                String dlq = naming.dlqConsumerFor(jobId.get());
                try {
                    if (jsm.deleteConsumer(naming.advisoryStream(), dlq)) {
                        deleted.add(naming.advisoryStream() + "/" + dlq);
                    }
                } catch (JetStreamApiException e) {
                    // no DLQ consumer (or no advisories stream): nothing to remove
                }
            }
            if (jsm.deleteStream(stream)) {
                deleted.add(stream);
            }
            return deleted;
        } catch (JetStreamApiException e) {
            throw new IOException("deleting " + stream + " failed: " + e.getMessage(), e);
        }
    }

    private static Optional<Instant> latest(ZonedDateTime a, ZonedDateTime b) {
        Optional<Instant> x = instant(a);
        Optional<Instant> y = instant(b);
        if (x.isEmpty()) {
            return y;
        }
        if (y.isEmpty()) {
            return x;
        }
        return x.get().isAfter(y.get()) ? x : y;
    }

    private static Optional<Instant> instant(ZonedDateTime t) {
        if (t == null || t.toInstant().getEpochSecond() <= 0) {
            return Optional.empty();
        }
        return Optional.of(t.toInstant());
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            forward.close();
        }
    }
}
