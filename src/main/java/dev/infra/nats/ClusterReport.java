package dev.infra.nats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What one server of a JetStream cluster says about the cluster in its /jsz: the meta group (its
 * leader and, when this server is the leader, every other peer as it last heard from them) and each
 * replicated stream it hosts (its leader and replicas). Plain data parsed from the body, so the
 * cluster judgement is tested on answers a real three-node cluster gave.
 *
 * @param server the server that answered ({@code server_name})
 * @param peers  the other peers as this server sees them; the meta leader alone reports them
 */
public record ClusterReport(String server, String cluster, Optional<String> leader, int clusterSize, List<Peer> peers,
                            List<StreamGroup> streams) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A peer as the reporting server last heard from it: {@code active} is how long ago; {@code lag} in operations. */
    public record Peer(String name, boolean current, boolean offline, Duration active, long lag) {}

    /** A stream's raft group: its leader (empty: none, so it takes no writes) and the replicas besides the leader. */
    public record StreamGroup(String name, Optional<String> leader, List<Peer> replicas) {
        public int replicaCount() {
            return 1 + replicas.size();
        }
    }

    public boolean isLeader() {
        return leader.map(server::equals).orElse(false);
    }

    public static ClusterReport parse(String server, String jszBody) throws IOException {
        JsonNode jsz = JSON.readTree(jszBody);
        JsonNode meta = jsz.path("meta_cluster");
        List<StreamGroup> streams = new ArrayList<>();
        for (JsonNode account : jsz.path("account_details")) {
            for (JsonNode s : account.path("stream_detail")) {
                JsonNode c = s.path("cluster");
                streams.add(new StreamGroup(s.path("name").asText(), text(c.path("leader")), peers(c.path("replicas"))));
            }
        }
        return new ClusterReport(server, meta.path("name").asText(""), text(meta.path("leader")), meta.path("cluster_size").asInt(1),
                peers(meta.path("replicas")), List.copyOf(streams));
    }

    private static List<Peer> peers(JsonNode replicas) {
        List<Peer> out = new ArrayList<>();
        for (JsonNode r : replicas) {
            out.add(new Peer(r.path("name").asText(), r.path("current").asBoolean(false), r.path("offline").asBoolean(false),
                    Duration.ofNanos(r.path("active").asLong(0)), r.path("lag").asLong(0)));
        }
        return List.copyOf(out);
    }

    private static Optional<String> text(JsonNode n) {
        return n.isTextual() && !n.asText().isEmpty() ? Optional.of(n.asText()) : Optional.empty();
    }
}
