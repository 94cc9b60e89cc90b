package dev.infra.nats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Subscription;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

/**
 * A stream carried whole from one JetStream to another, with JetStream's own snapshot and restore
 * API (what `nats stream backup|restore` use): the messages at their sequences and every consumer
 * with its delivered and ack state. It is how a standalone server's streams reach a cluster, where
 * the stream is restored with the cluster's replica count.
 */
public final class StreamBackup {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CHUNK = 64 * 1024;

    /** @param meta the stream's config and state as the server reported them; @param data its snapshot (tar, s2-compressed) */
    public record Backup(String stream, JsonNode meta, byte[] data) {
        public long messages() {
            return meta.path("state").path("messages").asLong();
        }

    }

    private StreamBackup() {}

    /** The whole stream with its consumers, as the server holding it snapshots it. */
    public static Backup snapshot(Connection nc, String stream, Duration timeout) throws IOException {
        String inbox = nc.createInbox();
        Subscription sub = nc.subscribe(inbox);
        try {
            ObjectNode req = JSON.createObjectNode().put("deliver_subject", inbox).put("no_consumers", false).put("chunk_size", 128 * 1024);
            JsonNode resp = request(nc, "$JS.API.STREAM.SNAPSHOT." + stream, bytes(req), timeout, "snapshot of " + stream);
            ByteArrayOutputStream data = new ByteArrayOutputStream();
            while (true) {
                Message m = sub.nextMessage(timeout);
                if (m == null) {
                    throw new IOException("snapshot of " + stream + ": no data for " + timeout.toSeconds() + " s");
                }
                if (m.getData() == null || m.getData().length == 0) {
                    if (m.isStatusMessage() && m.getStatus().getCode() != 204) {
                        throw new IOException("snapshot of " + stream + " failed: " + m.getStatus().getMessage());
                    }
                    break;
                }
                if (m.getReplyTo() != null) {
                    nc.publish(m.getReplyTo(), null);   // flow control: the server sends the next chunks once acked
                }
                data.write(m.getData());
            }
            ObjectNode meta = JSON.createObjectNode();
            meta.set("config", resp.path("config"));
            meta.set("state", resp.path("state"));
            return new Backup(stream, meta, data.toByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            sub.unsubscribe();
        }
    }

    /**
     * Restores {@code backup} on the JetStream {@code nc} is connected to, as {@code replicas} copies
     * (0: as it was). The stream must not exist there. Returns the new stream's state as the server reports it.
     */
    public static JsonNode restore(Connection nc, Backup backup, int replicas, Duration timeout) throws IOException {
        ObjectNode req = JSON.createObjectNode();
        ObjectNode config = ((ObjectNode) backup.meta().path("config")).deepCopy();
        if (replicas > 0) {
            config.put("num_replicas", replicas);
        }
        req.set("config", config);
        req.set("state", backup.meta().path("state"));
        JsonNode resp = request(nc, "$JS.API.STREAM.RESTORE." + backup.stream(), bytes(req), timeout, "restore of " + backup.stream());
        String deliver = resp.path("deliver_subject").asText("");
        if (deliver.isEmpty()) {
            throw new IOException("restore of " + backup.stream() + ": the server gave no subject to send the data to");
        }
        byte[] data = backup.data();
        for (int at = 0; at < data.length; at += CHUNK) {
            byte[] chunk = Arrays.copyOfRange(data, at, Math.min(data.length, at + CHUNK));
            Message ack = ask(nc, deliver, chunk, timeout, "restore of " + backup.stream());
            if (ack.getData() != null && ack.getData().length > 0) {
                check(JSON.readTree(ack.getData()), "restore of " + backup.stream());
            }
        }
        // The end: the server now builds the stream and its replicas, which can take a while.
        JsonNode done = request(nc, deliver, new byte[0], timeout.multipliedBy(6), "restore of " + backup.stream());
        return done.path("state");
    }

    private static JsonNode request(Connection nc, String subject, byte[] body, Duration timeout, String what) throws IOException {
        Message m = ask(nc, subject, body, timeout, what);
        return check(JSON.readTree(m.getData()), what);
    }

    private static Message ask(Connection nc, String subject, byte[] body, Duration timeout, String what) throws IOException {
        try {
            Message m = nc.request(subject, body, timeout);
            if (m == null) {
                throw new IOException(what + ": no answer within " + timeout.toSeconds() + " s");
            }
            return m;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static JsonNode check(JsonNode resp, String what) throws IOException {
        JsonNode error = resp.path("error");
        if (!error.isMissingNode() && !error.isNull()) {
            throw new IOException(what + " failed: " + error.path("description").asText(error.toString()));
        }
        return resp;
    }

    private static byte[] bytes(JsonNode node) throws IOException {
        return JSON.writeValueAsString(node).getBytes(StandardCharsets.UTF_8);
    }
}
