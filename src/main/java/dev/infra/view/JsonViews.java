package dev.infra.view;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.infra.inventory.Host;
import dev.infra.inventory.Inventory;
import dev.infra.inventory.JetStreamPolicy;
import dev.infra.inventory.Role;
import dev.infra.lab.Lab;
import dev.infra.nats.JetStreamAnalysis;
import dev.infra.nats.JobStream;
import dev.infra.nats.NatsAdmin;
import dev.infra.nats.StaleStreams;
import dev.infra.triage.TriageReport;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The --json views of hosts, the nats commands, lock status, triage and lab status: one object each,
 * with format_version and kind, described by src/main/resources/schemas/KIND-1.0.schema.json.
 * Times are ISO-8601 UTC, durations whole milliseconds, absent values null.
 */
public final class JsonViews {
    public static final String FORMAT_VERSION = "1.0";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonViews() {}

    static ObjectNode root(String kind) {
        ObjectNode o = JSON.createObjectNode();
        o.put("format_version", FORMAT_VERSION);
        o.put("kind", kind);
        return o;
    }

    static String write(ObjectNode o) {
        try {
            return JSON.writeValueAsString(o) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void time(ObjectNode o, String field, Optional<Instant> t) {
        if (t.isPresent()) {
            o.put(field, t.get().toString());
        } else {
            o.putNull(field);
        }
    }

    public static String hosts(Inventory inv) {
        ObjectNode root = root("hosts");
        root.put("inventory", inv.file().toString());
        ArrayNode hosts = root.putArray("hosts");
        for (Host h : inv.hosts().values()) {
            ObjectNode o = hosts.addObject();
            o.put("name", h.name());
            ArrayNode roles = o.putArray("roles");
            h.roles().stream().map(Role::id).forEach(roles::add);
            o.put("address", h.address().orElse(null));
            o.put("via", h.via().orElse(null));
            o.put("user", h.ssh().user().orElse(null));
            o.put("port", h.ssh().port());
            o.put("ssh_config_alias", h.ssh().alias().orElse(null));
            o.put("reached", h.reachedHow());
        }
        return write(root);
    }

    public static String streams(List<JobStream> streams, List<StaleStreams.Stale> stale, boolean staleOnly, Instant now) {
        Map<String, String> why = stale.stream().collect(Collectors.toMap(s -> s.stream().name(), StaleStreams.Stale::why));
        ObjectNode root = root("nats-streams");
        root.put("at", now.toString());
        ArrayNode out = root.putArray("streams");
        for (JobStream js : streams) {
            if (staleOnly && !why.containsKey(js.name())) {
                continue;
            }
            ObjectNode o = out.addObject();
            o.put("name", js.name());
            o.put("job", js.jobId().orElse(null));
            o.put("created", js.created().toString());
            o.put("age_ms", Math.max(0, Duration.between(js.created(), now).toMillis()));   // the server's clock may be ahead
            o.put("messages", js.messages());
            o.put("bytes", js.bytes());
            o.put("consumers", js.consumers().size());
            time(o, "last_activity", js.lastActivity());
            o.put("stale", why.containsKey(js.name()));
            o.put("stale_reason", why.get(js.name()));
        }
        root.put("stale_count", stale.size());
        return write(root);
    }

    public static String consumers(List<JobStream> streams, JetStreamPolicy policy) {
        ObjectNode root = root("nats-consumers");
        ArrayNode out = root.putArray("consumers");
        for (JobStream js : streams) {
            for (JobStream.Consumer c : js.consumers()) {
                ObjectNode o = out.addObject();
                o.put("stream", js.name());
                o.put("name", c.name());
                o.put("pending", c.numPending());
                o.put("ack_pending", c.numAckPending());
                o.put("redelivered", c.numRedelivered());
                o.put("waiting", c.numWaiting());
                o.put("delivered_stream_seq", c.deliveredStreamSeq());
                o.put("ack_floor_stream_seq", c.ackFloorStreamSeq());
                time(o, "last_active", c.lastActive());
                o.put("max_deliver", c.maxDeliver());
                o.put("ack_wait_ms", c.ackWait().toMillis());
                boolean job = JetStreamAnalysis.isJobConsumer(js, c, policy.naming());
                o.put("job_consumer", job);
                o.put("policy_mismatch", job ? JetStreamAnalysis.policyMismatch(c, policy).orElse(null) : null);
            }
        }
        return write(root);
    }

    public static String deadLetters(List<NatsAdmin.Advisory> advisories, List<JetStreamAnalysis.DeadLetters> fromState,
                                     JetStreamPolicy.Naming naming, Optional<String> job) {
        ObjectNode root = root("nats-dead-letters");
        root.put("job", job.orElse(null));
        ArrayNode out = root.putArray("dead_letters");
        for (NatsAdmin.Advisory a : advisories) {
            ObjectNode o = out.addObject();
            o.put("source", "advisory");
            o.put("job", JetStreamAnalysis.jobId(a.stream(), naming).orElse(null));
            o.put("stream", a.stream());
            o.put("consumer", a.consumer());
            o.put("stream_seq", a.streamSeq());
            o.put("count", 1);
            o.put("deliveries", a.deliveries());
            o.put("at", a.timestamp());
        }
        for (JetStreamAnalysis.DeadLetters d : fromState) {
            ObjectNode o = out.addObject();
            o.put("source", "consumer_state");
            o.put("job", d.stream().jobId().orElse(null));
            o.put("stream", d.stream().name());
            o.put("consumer", d.consumer().name());
            o.put("stream_seq", d.consumer().ackFloorStreamSeq() + 1);   // the first dead one; see JetStreamViews
            o.put("count", d.count());
            o.put("deliveries", d.consumer().maxDeliver());
            o.putNull("at");
        }
        return write(root);
    }

    /** {@code holder}: the lock's own JSON record (who, since, command), when it is held. */
    public static String lock(String where, Optional<String> holder) {
        ObjectNode root = root("lock-status");
        root.put("where", where);
        root.put("locked", holder.isPresent());
        if (holder.isPresent()) {
            JsonNode parsed;
            try {
                parsed = JSON.readTree(holder.get());
            } catch (JsonProcessingException e) {
                parsed = null;
            }
            if (parsed != null && parsed.isObject()) {
                root.set("holder", parsed);
            } else {
                root.put("holder", holder.get());   // a lock file written by hand: shown as it is
            }
        } else {
            root.putNull("holder");
        }
        return write(root);
    }

    public static String triage(TriageReport r) {
        ObjectNode root = root("triage");
        root.put("job", r.job());
        root.put("inventory", r.inventory());
        root.put("at", r.at().toString());
        root.put("since", r.since());
        root.put("stream", r.streamName());
        root.put("consumer", r.consumerName());
        root.put("jetstream_error", r.jetStreamError().orElse(null));
        r.stream().ifPresentOrElse(s -> {
            ObjectNode stream = root.putObject("stream_state");
            stream.put("messages", s.messages());
            stream.put("first_seq", s.firstSeq());
            stream.put("last_seq", s.lastSeq());
            stream.put("created", s.created().toString());
            time(stream, "last_activity", s.lastActivity());
        }, () -> root.putNull("stream_state"));
        r.consumer().ifPresentOrElse(c -> {
            ObjectNode consumer = root.putObject("consumer_state");
            consumer.put("pending", c.numPending());
            consumer.put("ack_pending", c.numAckPending());
            consumer.put("redelivered", c.numRedelivered());
            consumer.put("ack_floor_stream_seq", c.ackFloorStreamSeq());
            time(consumer, "last_delivered", c.lastDelivered());
        }, () -> root.putNull("consumer_state"));
        root.put("dead_letters", r.deadLetters());
        root.put("dead_letters_detail", r.deadDetail().orElse(null));
        if (r.progress().isPresent()) {
            ObjectNode p = root.putObject("progress");
            p.put("active", r.progress().get().active());
            p.put("stalled", r.progress().get().stalled());
            p.put("text", r.progress().get().text());
        } else {
            root.putNull("progress");
        }
        ObjectNode workers = root.putObject("workers");
        r.workers().forEach((host, lines) -> {
            ArrayNode a = workers.putArray(host);
            lines.forEach(a::add);
        });
        ObjectNode errors = root.putObject("errors");
        r.errors().forEach((host, lines) -> {
            ArrayNode a = errors.putArray(host);
            lines.forEach(a::add);
        });
        ObjectNode verdict = root.putObject("verdict");
        verdict.put("problem", r.verdict().problem());
        verdict.put("cause", r.verdict().cause());
        verdict.put("fix", r.verdict().fix());
        return write(root);
    }

    public static String lab(String id, List<Lab.HostStatus> rows) {
        ObjectNode root = root("lab-status");
        root.put("lab", id);
        root.put("running", rows.stream().anyMatch(r -> r.state().equals("running")));
        ArrayNode hosts = root.putArray("hosts");
        for (Lab.HostStatus s : rows) {
            ObjectNode o = hosts.addObject();
            o.put("host", s.host());
            o.put("container", s.container());
            o.put("state", s.state());
            o.put("engine", s.engine());
        }
        return write(root);
    }
}
