package dev.infra.view;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.infra.plan.Action;
import dev.infra.plan.Plan.EnvChange;
import dev.infra.plan.Plan.FileChange;
import dev.infra.plan.Plan.HostPlan;
import dev.infra.plan.Plan.ServiceChange;
import dev.infra.plan.Plan;
import dev.infra.plan.Reason;
import dev.infra.plan.SavedPlan;
import dev.infra.slurm.SlurmChange;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The plan as JSON (`--json`, and the `--out` file): snake_case keys and a format_version, so
 * scripts can rely on it. Reading it back gives the same {@link Plan}.
 */
public final class PlanJson {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** Records (the store move) as snake_case objects, like the rest of the plan. */
    private static final ObjectMapper RECORDS = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    private PlanJson() {}

    public static String write(Plan plan, Map<String, String> extra) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format_version", plan.formatVersion());
        root.put("inventory", plan.inventory());
        root.put("created_at", plan.createdAt());
        extra.forEach(root::put);
        Plan.Summary s = plan.summary();
        ObjectNode summary = root.putObject("summary");
        summary.put("add", s.add());
        summary.put("change", s.change());
        summary.put("remove", s.remove());
        summary.put("errors", (int) plan.hosts().stream().filter(h -> h.error().isPresent()).count());
        ArrayNode hosts = root.putArray("hosts");
        for (HostPlan h : plan.hosts()) {
            ObjectNode n = hosts.addObject();
            n.put("host", h.host());
            h.roles().forEach(n.putArray("roles")::add);
            n.put("reach", h.reach());
            if (h.error().isPresent()) {
                n.put("error", h.error().get());
            } else {
                n.putNull("error");
            }
            ArrayNode files = n.putArray("files");
            for (FileChange f : h.files()) {
                ObjectNode fn = files.addObject();
                fn.put("path", f.path());
                fn.put("action", id(f.action()));
                fn.put("kind", f.isEnv() ? "env_entries" : "file");
                fn.put("diff", f.diff());
                ArrayNode env = fn.putArray("env");
                for (EnvChange e : f.env()) {
                    ObjectNode en = env.addObject();
                    en.put("key", e.key());
                    en.put("action", id(e.action()));
                    if (e.before().isPresent()) {
                        en.put("before", e.before().get());
                    } else {
                        en.putNull("before");
                    }
                    en.put("after", e.after());
                    en.put("sensitive", e.sensitive());
                }
            }
            if (h.storeMove().isPresent()) {
                n.set("store_move", RECORDS.valueToTree(h.storeMove().get()));
            } else {
                n.putNull("store_move");
            }
            h.notes().forEach(n.putArray("notes")::add);
            ArrayNode versions = n.putArray("versions");
            for (Plan.VersionChange v : h.versions()) {
                ObjectNode vn = versions.addObject();
                vn.put("project", v.project());
                vn.put("dir", v.dir());
                vn.put("remote", v.remote());
                vn.put("ref", v.ref());
                vn.put("from", v.from());
                vn.put("to", v.to());
                vn.put("ahead", v.ahead());
                vn.put("behind", v.behind());
                v.log().forEach(vn.putArray("log")::add);
                v.modified().forEach(vn.putArray("modified")::add);
                vn.put("published", v.published());
                if (v.command().isPresent()) {
                    vn.put("command", v.command().get());
                } else {
                    vn.putNull("command");
                }
                if (v.fromTag().isPresent()) {
                    vn.put("from_tag", v.fromTag().get());
                } else {
                    vn.putNull("from_tag");
                }
            }
            ArrayNode slurm = n.putArray("slurm");
            for (SlurmChange c : h.slurm()) {
                ObjectNode cn = slurm.addObject();
                cn.put("group", c.group());
                cn.put("kind", c.kind().name().toLowerCase(Locale.ROOT));
                cn.put("count", c.count());
                c.jobs().forEach(cn.putArray("jobs")::add);
                cn.put("reason", c.reason().name().toLowerCase(Locale.ROOT));
                cn.put("detail", c.detail());
            }
            ArrayNode services = n.putArray("services");
            for (ServiceChange sc : h.services()) {
                ObjectNode sn = services.addObject();
                sn.put("project", sc.project());
                sn.put("service", sc.service());
                sn.put("action", id(sc.action()));
                sn.put("reason", sc.reason().id());
                sn.put("detail", sc.detail());
            }
        }
        ObjectNode fp = root.putObject("fingerprints");
        new TreeMap<>(plan.fingerprints()).forEach(fp::put);
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A plan file written by `infra plan --out`; refused when its format_version is not this one's. */
    public static SavedPlan readSaved(String json) throws IOException {
        JsonNode root = JSON.readTree(json);
        if (root == null || !root.isObject()) {
            throw new IOException("not a plan file (no JSON object)");
        }
        if (!Plan.FORMAT_VERSION.equals(root.path("format_version").asText())) {
            throw new IOException("not a plan this version of infra can apply (format_version "
                    + root.path("format_version").asText() + ", expected " + Plan.FORMAT_VERSION + ")");
        }
        return new SavedPlan(read(root), root.path("limit").asText(), root.path("desired_sha256").asText(),
                root.path("created_at").asText(), root.path("desired_salt").asText(""));
    }

    public static Plan read(JsonNode root) {
        List<HostPlan> hosts = new ArrayList<>();
        for (JsonNode n : root.path("hosts")) {
            List<FileChange> files = new ArrayList<>();
            for (JsonNode f : n.path("files")) {
                List<EnvChange> env = new ArrayList<>();
                for (JsonNode e : f.path("env")) {
                    env.add(new EnvChange(e.path("key").asText(), action(e.path("action").asText()),
                            e.path("before").isNull() ? Optional.empty() : Optional.of(e.path("before").asText()),
                            e.path("after").asText(), e.path("sensitive").asBoolean()));
                }
                files.add(new FileChange(f.path("path").asText(), action(f.path("action").asText()), f.path("diff").asText(), env));
            }
            List<ServiceChange> services = new ArrayList<>();
            for (JsonNode s : n.path("services")) {
                services.add(new ServiceChange(s.path("project").asText(), s.path("service").asText(),
                        action(s.path("action").asText()), Reason.parse(s.path("reason").asText()), s.path("detail").asText()));
            }
            List<String> roles = new ArrayList<>();
            n.path("roles").forEach(r -> roles.add(r.asText()));
            Optional<Plan.StoreMove> move = Optional.empty();
            if (n.hasNonNull("store_move")) {
                try {
                    move = Optional.of(RECORDS.treeToValue(n.get("store_move"), Plan.StoreMove.class));
                } catch (IOException e) {
                    throw new IllegalArgumentException("the plan's store_move is unreadable: " + e.getMessage(), e);
                }
            }
            List<String> notes = new ArrayList<>();
            n.path("notes").forEach(x -> notes.add(x.asText()));
            List<SlurmChange> slurm = new ArrayList<>();
            for (JsonNode c : n.path("slurm")) {
                List<String> jobs = new ArrayList<>();
                c.path("jobs").forEach(j -> jobs.add(j.asText()));
                slurm.add(new SlurmChange(c.path("group").asText(), SlurmChange.Kind.valueOf(c.path("kind").asText().toUpperCase(Locale.ROOT)),
                        c.path("count").asInt(), jobs, SlurmChange.Reason.valueOf(c.path("reason").asText().toUpperCase(Locale.ROOT)),
                        c.path("detail").asText()));
            }
            List<Plan.VersionChange> versions = new ArrayList<>();
            for (JsonNode v : n.path("versions")) {
                List<String> log = new ArrayList<>();
                v.path("log").forEach(x -> log.add(x.asText()));
                List<String> modified = new ArrayList<>();
                v.path("modified").forEach(x -> modified.add(x.asText()));
                versions.add(new Plan.VersionChange(v.path("project").asText(), v.path("dir").asText(), v.path("remote").asText(),
                        v.path("ref").asText(), v.path("from").asText(), v.path("to").asText(), v.path("ahead").asInt(), v.path("behind").asInt(),
                        log, modified, v.path("published").asBoolean(true),
                        v.path("command").isTextual() ? Optional.of(v.path("command").asText()) : Optional.empty(),
                        v.path("from_tag").isTextual() ? Optional.of(v.path("from_tag").asText()) : Optional.empty()));
            }
            hosts.add(new HostPlan(n.path("host").asText(), roles, n.path("reach").asText(), files, services,
                    n.path("error").isNull() ? Optional.empty() : Optional.of(n.path("error").asText()), move, notes, slurm, versions));
        }
        Map<String, String> fingerprints = new TreeMap<>();
        root.path("fingerprints").properties().forEach(e -> fingerprints.put(e.getKey(), e.getValue().asText()));
        return new Plan(root.path("format_version").asText(), root.path("inventory").asText(),
                root.path("created_at").asText(), hosts, fingerprints);
    }

    private static String id(Action a) {
        return a.name().toLowerCase(Locale.ROOT);
    }

    private static Action action(String id) {
        return Action.valueOf(id.toUpperCase(Locale.ROOT));
    }
}
