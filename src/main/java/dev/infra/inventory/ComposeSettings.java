package dev.infra.inventory;

import dev.infra.secrets.Redaction;
import dev.infra.units.ByteSize;
import dev.infra.units.Durations;
import dev.infra.yaml.MapReader;
import dev.infra.yaml.TextKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The compose settings of one service as an inventory declares them — under a deployment's
 * {@code defaults}, its {@code services.NAME} and its {@code per_host.HOST.NAME} — read strictly and
 * kept as the values compose expects (durations in Go form, sizes in bytes), in a fixed key order.
 * The vocabulary is what the app's own compose files use; a key outside it is an error with the
 * closest known key as a suggestion.
 *
 * <p>Layers merge key by key ({@link #merge}): a later layer replaces a key's value, except the
 * mappings {@code environment}, {@code labels} and {@code extra_hosts}, whose entries merge (the
 * later entry wins) — what the app's {@code <<: *django} plus a per-service {@code environment:} mean.
 */
public final class ComposeSettings {
    private static final Pattern NAME = InventoryLoader.SERVICE_NAME;
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9._/-]*");
    private static final Pattern PORT = Pattern.compile("((\\d{1,3}(\\.\\d{1,3}){3}|\\[[0-9a-fA-F:]+\\]):)?"
            + "(\\d{1,5}(-\\d{1,5})?:)?\\d{1,5}(-\\d{1,5})?(/(tcp|udp|sctp))?");
    private static final Pattern SIGNAL = Pattern.compile("SIG[A-Z0-9+]+|[0-9]{1,2}");
    private static final Pattern CPUS = Pattern.compile("[0-9]+(\\.[0-9]+)?");
    private static final Set<String> RESTART = Set.of("no", "always", "on-failure", "unless-stopped");
    private static final Set<String> VOLUME_MODES = Set.of("ro", "rw", "z", "Z", "cached", "delegated", "consistent", "nocopy");
    /** Mappings whose entries merge across layers instead of replacing each other. */
    private static final Set<String> MERGED_MAPS = Set.of("environment", "labels", "extra_hosts");

    /** The vocabulary, in the order a rendered service lists it. */
    static final List<String> KEYS = List.of("image", "build", "command", "entrypoint", "environment", "env_file", "volumes", "ports",
            "extra_hosts", "depends_on", "healthcheck", "restart", "scale", "stop_grace_period", "stop_signal", "labels", "logging",
            "deploy", "profiles", "user", "working_dir");

    private ComposeSettings() {}

    /**
     * Reads one layer of settings. With {@code composeFileIfAppOwned} (a deployment whose compose file
     * is the app's) everything but {@code scale} is refused, naming the file that decides it instead.
     */
    static LinkedHashMap<String, Object> read(MapReader r, String composeFileIfAppOwned) {
        LinkedHashMap<String, Object> out = new LinkedHashMap<>();
        r.optString("image").ifPresent(v -> out.put("image", v));
        if (r.isMap("build")) {
            MapReader b = r.map("build");
            LinkedHashMap<String, Object> build = new LinkedHashMap<>();
            build.put("context", b.string("context", "."));
            b.optString("dockerfile").ifPresent(v -> build.put("dockerfile", v));
            LinkedHashMap<String, String> args = b.stringMap("args", InventoryLoader.ENV_KEY, "build args are letters, digits and '_'", TextKind.PLAIN);
            if (!args.isEmpty()) {
                build.put("args", new LinkedHashMap<String, Object>(args));
            }
            b.optString("target").ifPresent(v -> build.put("target", v));
            b.finish();
            out.put("build", build);
        } else {
            r.optString("build").ifPresent(v -> out.put("build", v));
        }
        stringOrList(r, "command", out);
        stringOrList(r, "entrypoint", out);
        if (r.isList("environment")) {
            r.error("environment", r.child("environment") + " must be a mapping, not a list of KEY=value",
                    "write each variable as KEY: value under environment:");
        } else {
            LinkedHashMap<String, String> env = r.stringMap("environment", InventoryLoader.ENV_KEY,
                    "env keys are letters, digits and '_', not starting with a digit", TextKind.PLAIN);
            env.forEach((key, value) -> {
                if (Redaction.SECRET_LOOKING_KEY.matcher(key).matches() && !value.isEmpty()) {
                    r.context().error(r.context().sourceMap().at(r.child("environment") + "." + key), key
                            + " looks like a secret; environment: is written into the compose file in clear",
                            "keep it in the host's env file, or manage it there with managed_env: {" + key + ": ${env:" + key + "}}");
                }
            });
            if (!env.isEmpty()) {
                out.put("environment", new LinkedHashMap<String, Object>(env));
            }
        }
        list(r, "env_file", out, ComposeSettings::envFile, "a path inside deploy_dir, e.g. .envs/.production/.django");
        // Kept as the deployment's env_files are: relative to deploy_dir without a leading ./ (the renderer adds it back).
        out.computeIfPresent("env_file", (k, v) -> ((List<?>) v).stream().<Object>map(f -> ((String) f).replaceFirst("^\\./", "")).toList());
        list(r, "volumes", out, ComposeSettings::volume,
                "SOURCE:TARGET[:MODE]: a path (./config, /srv/data) or a volume name, an absolute target, a mode like ro");
        list(r, "ports", out, p -> PORT.matcher(p).matches(), "[IP:][HOST:]CONTAINER[/tcp|udp], e.g. \"5001:5000\"");
        LinkedHashMap<String, String> extraHosts = r.stringMap("extra_hosts", InventoryLoader.ALIAS_NAME,
                "aliases are host names: letters, digits, '-' and '.'", TextKind.PLAIN);
        if (!extraHosts.isEmpty()) {
            out.put("extra_hosts", new LinkedHashMap<String, Object>(extraHosts));
        }
        list(r, "depends_on", out, s -> NAME.matcher(s).matches(), "the name of another service of this deployment");
        if (r.has("healthcheck")) {
            MapReader h = r.map("healthcheck");
            LinkedHashMap<String, Object> hc = new LinkedHashMap<>();
            stringOrList(h, "test", hc);
            for (String key : List.of("interval", "timeout", "start_period")) {
                duration(h, key, hc);
            }
            if (h.has("retries")) {
                hc.put("retries", h.integer("retries", 3, 0, 1000));
            }
            if (h.has("disable") && h.bool("disable", false)) {
                if (!hc.isEmpty()) {
                    h.error("disable", h.child("disable") + ": true turns the image's healthcheck off, so the other settings here mean nothing",
                            "keep either disable: true or test/interval/…, not both (compose refuses the mix)");
                }
                hc.put("disable", true);
            }
            h.finish();
            out.put("healthcheck", hc);
        }
        r.optString("restart").ifPresent(v -> {
            if (RESTART.contains(v) || v.matches("on-failure:[0-9]+")) {
                out.put("restart", v);
            } else {
                r.error("restart", r.child("restart") + ": '" + v + "' is not a restart policy", "one of no, always, on-failure[:N], unless-stopped");
            }
        });
        if (r.has("scale")) {
            out.put("scale", r.integer("scale", 1, 0, 1000));
        }
        duration(r, "stop_grace_period", out);
        r.optString("stop_signal").ifPresent(v -> {
            if (SIGNAL.matcher(v).matches()) {
                out.put("stop_signal", v);
            } else {
                r.error("stop_signal", r.child("stop_signal") + ": '" + v + "' is not a signal", "e.g. SIGTERM, SIGINT or SIGQUIT");
            }
        });
        LinkedHashMap<String, String> labels = r.stringMap("labels", LABEL, "label keys are letters, digits, '.', '_', '-' and '/'", TextKind.PLAIN);
        labels.keySet().stream().filter(k -> k.startsWith("com.docker.compose.")).findFirst().ifPresent(k -> r.context().error(
                r.context().sourceMap().at(r.child("labels") + "." + k), "label " + k + " is compose's own", "choose another key"));
        if (!labels.isEmpty()) {
            out.put("labels", new LinkedHashMap<String, Object>(labels));
        }
        if (r.has("logging")) {
            MapReader l = r.map("logging");
            LinkedHashMap<String, Object> logging = new LinkedHashMap<>();
            logging.put("driver", l.string("driver", "json-file"));
            LinkedHashMap<String, String> options = l.stringMap("options", LABEL, "option names are letters, digits, '.', '_' and '-'", TextKind.PLAIN);
            if (!options.isEmpty()) {
                logging.put("options", new LinkedHashMap<String, Object>(options));
            }
            l.finish();
            out.put("logging", logging);
        }
        if (r.has("deploy")) {
            MapReader d = r.map("deploy");
            MapReader res = d.map("resources");
            LinkedHashMap<String, Object> resources = new LinkedHashMap<>();
            for (String kind : List.of("limits", "reservations")) {
                MapReader k = res.map(kind);
                LinkedHashMap<String, Object> values = new LinkedHashMap<>();
                k.optString("cpus").ifPresent(v -> {
                    if (CPUS.matcher(v).matches()) {
                        values.put("cpus", v);
                    } else {
                        k.error("cpus", k.child("cpus") + ": '" + v + "' is not a number of CPUs", "e.g. \"0.5\" or \"2\"");
                    }
                });
                if (k.has("memory")) {
                    ByteSize size = k.size("memory", null);
                    if (size != null) {
                        values.put("memory", size.bytes() + "b");
                    }
                }
                k.finish();
                if (!values.isEmpty()) {
                    resources.put(kind, values);
                }
            }
            res.finish();
            d.finish();
            if (!resources.isEmpty()) {
                out.put("deploy", new LinkedHashMap<String, Object>(Map.of("resources", resources)));
            }
        }
        list(r, "profiles", out, s -> NAME.matcher(s).matches(), "a profile name: letters, digits, '_', '.' and '-'");
        r.optString("user").ifPresent(v -> out.put("user", v));
        r.optString("working_dir").ifPresent(v -> {
            if (v.startsWith("/")) {
                out.put("working_dir", v);
            } else {
                r.error("working_dir", r.child("working_dir") + " must be an absolute path in the container", "e.g. /app");
            }
        });
        if (composeFileIfAppOwned != null) {
            for (String key : out.keySet()) {
                if (!key.equals("scale")) {
                    String service = r.path().substring(r.path().lastIndexOf('.') + 1);
                    r.error(key, r.path() + ": the deployment has compose_owner: app, so the app's " + composeFileIfAppOwned
                            + " decides " + service + "'s " + key, "remove " + key + " here (change it in the app's compose file), or set compose_owner: infra");
                }
            }
        }
        r.finish();
        return out;
    }

    /** {@code later}'s keys over {@code earlier}'s; environment, labels and extra_hosts merge entry by entry. */
    @SuppressWarnings("unchecked")
    public static LinkedHashMap<String, Object> merge(Map<String, Object> earlier, Map<String, Object> later) {
        LinkedHashMap<String, Object> unordered = new LinkedHashMap<>(earlier);
        later.forEach((key, value) -> {
            if (MERGED_MAPS.contains(key) && unordered.get(key) instanceof Map<?, ?> before) {
                LinkedHashMap<String, Object> merged = new LinkedHashMap<>((Map<String, Object>) before);
                merged.putAll((Map<String, Object>) value);
                unordered.put(key, merged);
            } else {
                unordered.put(key, value);
            }
        });
        LinkedHashMap<String, Object> out = new LinkedHashMap<>();
        KEYS.stream().filter(unordered::containsKey).forEach(k -> out.put(k, unordered.get(k)));
        return out;
    }

    /** The named volumes (not bind mounts) a service's volumes use; compose needs each declared at the top level. */
    @SuppressWarnings("unchecked")
    public static List<String> namedVolumes(Map<String, Object> settings) {
        List<String> out = new ArrayList<>();
        for (Object v : (List<Object>) settings.getOrDefault("volumes", List.of())) {
            String spec = (String) v;
            int colon = spec.indexOf(':');
            if (colon > 0 && InventoryChecks.NAMED_VOLUME.matcher(spec.substring(0, colon)).matches()) {
                out.add(spec.substring(0, colon));
            }
        }
        return out;
    }

    private static boolean envFile(String path) {
        return !path.isEmpty() && !path.contains("..");
    }

    /** SOURCE:TARGET[:MODE] or an anonymous TARGET; a source is a path (/, ./, ~) or a volume name. */
    static boolean volume(String spec) {
        String[] parts = spec.split(":", -1);
        if (parts.length == 1) {
            return parts[0].startsWith("/");
        }
        if (parts.length > 3 || !parts[1].startsWith("/") || parts[0].isEmpty()) {
            return false;
        }
        String source = parts[0];
        boolean path = source.startsWith("/") || source.startsWith("./") || source.startsWith("../") || source.equals(".")
                || source.startsWith("~");
        if (!path && !InventoryChecks.NAMED_VOLUME.matcher(source).matches()) {
            return false;
        }
        return parts.length == 2 || Set.of(parts[2].split(",", -1)).stream().allMatch(VOLUME_MODES::contains);
    }

    /** A duration, kept in the Go form compose reads (1m30s); nothing when absent or unreadable (the error is recorded). */
    private static void duration(MapReader r, String key, Map<String, Object> out) {
        if (r.has(key)) {
            Duration d = r.duration(key, null);
            if (d != null) {
                out.put(key, Durations.format(d));
            }
        }
    }

    private static void stringOrList(MapReader r, String key, Map<String, Object> out) {
        if (r.isList(key)) {
            List<String> items = r.stringList(key, TextKind.PLAIN);
            if (!items.isEmpty()) {
                out.put(key, new ArrayList<Object>(items));
            }
        } else {
            r.optString(key).ifPresent(v -> out.put(key, v));
        }
    }

    private static void list(MapReader r, String key, Map<String, Object> out, Predicate<String> valid, String form) {
        List<String> items = r.stringList(key, TextKind.PLAIN);
        for (int i = 0; i < items.size(); i++) {
            if (!valid.test(items.get(i))) {
                r.context().error(r.context().sourceMap().at(r.child(key) + "[" + i + "]"), r.child(key) + "[" + i + "]: '" + items.get(i)
                        + "' is not a valid " + key.replace('_', ' ') + " entry", "write it as " + form);
            }
        }
        if (!items.isEmpty()) {
            out.put(key, new ArrayList<Object>(items));
        }
    }
}
