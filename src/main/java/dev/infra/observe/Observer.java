package dev.infra.observe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.infra.release.Checkout;
import dev.infra.release.ReleaseCommands;
import dev.infra.render.ComposeProject;
import dev.infra.render.DesiredRelease;
import dev.infra.render.HostState;
import dev.infra.ssh.RemoteCommand;
import dev.infra.slurm.SlurmCommands;
import dev.infra.ssh.Shell;
import dev.infra.units.Hashing;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Builds the one command that reads a host's state, and parses what it prints. Files travel as
 * base64 so any byte survives; containers as `docker inspect` JSON.
 */
public final class Observer {
    public static final String STATE_DIR = "~/.infra";
    public static final String PENDING = STATE_DIR + "/pending-restarts";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Whether the docker CLI of the host would talk to the engine at {@link EngineApi#SOCKET}, and the
     * user may: no DOCKER_HOST, no CLI context, the socket readable and writable. Shell builtins only
     * (the CLI's config file is grepped only where it exists).
     */
    static final String DEFAULT_ENGINE = "[ -z \"${DOCKER_HOST:-}\" ] && [ -S " + EngineApi.SOCKET + " ] && [ -r " + EngineApi.SOCKET
            + " ] && [ -w " + EngineApi.SOCKET + " ] && { infra_c=\"${DOCKER_CONFIG:-$HOME/.docker}/config.json\"; [ ! -f \"$infra_c\" ]"
            + " || ! grep -qs '\"currentContext\"' \"$infra_c\"; }";
    /** The docker CLI's inspect of every container: two runs of it. */
    static final String CLI_INSPECT = "ids=$(docker ps -aq 2>/dev/null); if [ -n \"$ids\" ]; then docker inspect $ids 2>/dev/null; else echo '[]'; fi";
    /** Printed where the containers are to be read from the engine's API through the connection ({@link EngineApi}). */
    static final String ENGINE_API = "@@ENGINE_API";

    /**
     * Every container of the host as `docker inspect` gives it, read on the host. From the engine's
     * API over its socket with curl where that is the engine the docker CLI would talk to: two curl
     * runs instead of two docker CLI runs, each of which costs the host tens of milliseconds of CPU on
     * every read (curl ~10 ms each, its start; the engine's answer ~1 ms). The ids go from the listing
     * to the URLs through tr and sed. Else `docker ps -aq` and `docker inspect`. The API answers one JSON
     * object per container, the CLI one array: {@link #parse} reads either. For hosts whose sshd does
     * not forward Unix sockets (see {@link #command(HostState, boolean)}).
     */
    static final String INSPECT_ALL = "infra_s=" + EngineApi.SOCKET + "; if " + DEFAULT_ENGINE + " && command -v curl >/dev/null 2>&1"
            + " && infra_l=$(curl -sf --unix-socket \"$infra_s\" 'http://docker/containers/json?all=1'); then"
            + " infra_u=$(printf '%s' \"$infra_l\" | tr ',' '\\n' | sed -n 's|^.*\"Id\":\"\\([0-9a-f]*\\)\"$|http://docker/containers/\\1/json|p');"
            + " if [ -n \"$infra_u\" ]; then curl -s --unix-socket \"$infra_s\" $infra_u; echo; else echo '[]'; fi;"
            + " else " + CLI_INSPECT + "; fi";
    /**
     * The same where infra reads the engine's API through the connection itself: the host only says
     * whether that is the engine its CLI would use ({@value #ENGINE_API}); else its CLI inspects.
     */
    static final String INSPECT_FORWARDED = "if " + DEFAULT_ENGINE + "; then echo '" + ENGINE_API + "'; else " + CLI_INSPECT + "; fi";

    private Observer() {}

    /** Every path whose bytes the plan needs on this host. */
    public static List<String> paths(HostState desired) {
        Set<String> paths = new LinkedHashSet<>();
        desired.files().forEach(f -> paths.add(f.path()));
        desired.env().forEach(e -> paths.add(e.path()));
        return List.copyOf(paths);
    }

    /** The whole read, self-contained: the host reads its engine itself (curl or the docker CLI). */
    public static RemoteCommand command(HostState desired) {
        return command(desired, false);
    }

    /**
     * The whole read. With {@code engineForwarded} (infra reads the engine's API through the connection
     * at the same time, {@link EngineApi}), the host only says {@value #ENGINE_API} where that is its
     * CLI's engine; the caller then hands that read to {@link #parse(String, String, String)}.
     */
    public static RemoteCommand command(HostState desired, boolean engineForwarded) {
        return command(desired, true, engineForwarded);
    }

    /**
     * The containers of the host's compose projects (and its compose flavour) only: what a health gate
     * polling every second and verify's service checks need, without the files, hashes and listings a plan reads.
     */
    public static RemoteCommand containersCommand(HostState desired, boolean engineForwarded) {
        return command(desired, false, engineForwarded);
    }

    /** Only every container of the host, read on the host itself (where its sshd does not forward the engine's socket). */
    public static RemoteCommand inspectCommand() {
        return RemoteCommand.of("read the host's containers", INSPECT_ALL);
    }

    private static RemoteCommand command(HostState desired, boolean whole, boolean engineForwarded) {
        StringBuilder s = new StringBuilder();
        if (whole) {
            s.append("f() { printf '@@FILE %s\\n' \"$1\"; if [ -f \"$2\" ]; then base64 -w0 < \"$2\"; echo; else echo '@@ABSENT'; fi; }\n");
            for (String path : paths(desired)) {
                s.append("f ").append(Shell.quote(path)).append(' ').append(Shell.path(path)).append('\n');
            }
        }
        s.append("printf '@@COMPOSE\\n'; ").append(ProbeCommands.COMPOSE_FLAVOUR).append('\n');
        for (ComposeProject p : desired.projects()) {
            s.append("printf '@@PROJECT %s\\n' ").append(Shell.quote(p.name())).append('\n');
        }
        // Every container of the host in two docker runs, however many projects it has: the projects'
        // containers and the running ones with their published ports both come from this one inspect.
        s.append("printf '@@CONTAINERS\\n'; ");
        if (desired.projects().isEmpty()) {
            s.append("echo '[]'\n");   // nothing of infra's runs here, so no port of it can be taken either
        } else {
            s.append(engineForwarded ? INSPECT_FORWARDED : INSPECT_ALL).append('\n');
        }
        if (!whole) {
            s.append("printf '@@END\\n'\n");
            return RemoteCommand.of("read the host's containers", s.toString());
        }
        for (ComposeProject p : desired.projects()) {
            if (p.appOwned()) {
                s.append("printf '@@HASHES %s\\n' ").append(Shell.quote(p.name())).append("; ").append(ProbeCommands.configHashes(p)).append('\n');
            }
        }
        for (DesiredRelease r : desired.releases()) {
            s.append("printf '@@GIT %s\\n' ").append(Shell.quote(r.project().name())).append('\n')
                    .append(ReleaseCommands.probe(r.dir(), r.release()));
        }
        if (desired.duties().slurm().isPresent()) {
            s.append("printf '@@SLURM\\n'; ").append(SlurmCommands.queue().script()).append(" 2>&1; printf '\\n@@SLURMRC %s\\n' $?\n");
        }
        // cat only where there is something due (a process start on every read of every host otherwise).
        String pending = Shell.path(PENDING);
        s.append("printf '@@PENDING\\n'; if [ -f ").append(pending).append(" ]; then cat ").append(pending)
                .append(" 2>/dev/null; fi; printf '@@END\\n'\n");
        return RemoteCommand.of("read the state of the host", s.toString());
    }

    /** Whether the host said its containers are to be read from the engine's API through the connection. */
    public static boolean asksEngine(String output) {
        return output.contains("\n" + ENGINE_API + "\n");
    }

    public static ObservedHost parse(String host, String output) {
        return parse(host, output, "");
    }

    /** What the read printed; {@code engine}: every container as the engine's API gave it, where the host asked for that. */
    public static ObservedHost parse(String host, String output, String engine) {
        Map<String, Optional<String>> files = new LinkedHashMap<>();
        Map<String, String> sha256 = new LinkedHashMap<>();
        List<ObservedContainer> containers = new ArrayList<>();
        Set<String> pending = new LinkedHashSet<>();
        List<PortConflicts.Running> running = new ArrayList<>();
        Map<String, Map<String, String>> hashes = new LinkedHashMap<>();
        String hashProject = "";
        Map<String, StringBuilder> git = new LinkedHashMap<>();
        String gitProject = "";
        StringBuilder squeue = new StringBuilder();
        Optional<SlurmQueue> slurm = Optional.empty();
        String compose = "none";
        String section = "";
        String currentFile = null;
        Set<String> projects = new LinkedHashSet<>();
        StringBuilder json = new StringBuilder();
        for (String line : output.split("\n", -1)) {
            if (line.equals(ENGINE_API) && section.equals("containers")) {
                json.append(engine);
                continue;
            }
            if (line.startsWith("@@")) {
                if (section.equals("containers")) {
                    readContainers(json.toString(), projects, containers, running);
                    json.setLength(0);
                }
                if (line.startsWith("@@FILE ")) {
                    section = "file";
                    currentFile = line.substring(7);
                } else if (line.equals("@@ABSENT")) {
                    files.put(currentFile, Optional.empty());
                } else if (line.equals("@@COMPOSE")) {
                    section = "compose";
                } else if (line.startsWith("@@PROJECT ")) {
                    projects.add(line.substring(10));
                } else if (line.equals("@@CONTAINERS")) {
                    section = "containers";
                } else if (line.startsWith("@@HASHES ")) {
                    section = "hashes";
                    hashProject = line.substring(9);
                } else if (line.startsWith("@@GIT ")) {
                    section = "git";
                    gitProject = line.substring(6);
                    git.put(gitProject, new StringBuilder());
                } else if (line.equals("@@SLURM")) {
                    section = "slurm";
                } else if (line.startsWith("@@SLURMRC ")) {
                    slurm = Optional.of(SlurmQueue.of(squeue.toString(), Integer.parseInt(line.substring(10).strip())));
                } else if (line.equals("@@PENDING")) {
                    section = "pending";
                } else if (line.equals("@@END")) {
                    section = "end";
                }
                continue;
            }
            switch (section) {
                case "file" -> {
                    if (currentFile != null && !files.containsKey(currentFile)) {
                        byte[] bytes = Base64.getDecoder().decode(line.strip());
                        files.put(currentFile, Optional.of(new String(bytes, StandardCharsets.UTF_8)));
                        sha256.put(currentFile, HexFormat.of().formatHex(Hashing.sha256(bytes)));
                    }
                }
                case "compose" -> {
                    if (!line.isBlank()) {
                        compose = line.strip();
                    }
                }
                case "containers" -> json.append(line).append('\n');
                case "hashes" -> {
                    String[] kv = line.strip().split("\\s+");
                    if (kv.length == 2) {
                        hashes.computeIfAbsent(hashProject, k -> new LinkedHashMap<>()).put(kv[0], kv[1]);
                    }
                }
                case "slurm" -> squeue.append(line).append('\n');
                case "git" -> git.get(gitProject).append(line).append('\n');
                case "pending" -> {
                    if (!line.isBlank()) {
                        pending.add(line.strip());
                    }
                }
                default -> { }
            }
        }
        if (!"end".equals(section)) {
            throw new IllegalStateException("the host's report ended early (section " + section + ")");
        }
        Map<String, Checkout> checkouts = new LinkedHashMap<>();
        git.forEach((project, text) -> checkouts.put(project, Checkout.parse(text.toString())));
        return new ObservedHost(host, files, compose, containers, pending, List.copyOf(running), hashes, sha256, slurm, checkouts);
    }

    /**
     * Reads `docker inspect` of every container of the host: those of {@code projects} (the host's
     * compose projects; `compose run` one-offs are not the service) into {@code containers}, and every
     * running one, with the host ports it publishes, into {@code running}.
     */
    private static void readContainers(String json, Set<String> projects, List<ObservedContainer> containers,
                                       List<PortConflicts.Running> running) {
        List<JsonNode> all = new ArrayList<>();
        try (MappingIterator<JsonNode> values = JSON.readerFor(JsonNode.class).readValues(json)) {
            // One array (docker inspect: the reader walks its elements) or one object per container (the API, a curl per container).
            while (values.hasNextValue()) {
                JsonNode v = values.nextValue();
                if (v.isObject()) {
                    all.add(v);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read the host's docker inspect output: " + e.getMessage(), e);
        }
        for (JsonNode c : all) {
            JsonNode labels = c.path("Config").path("Labels");
            String project = labels.path("com.docker.compose.project").asText("");
            String name = c.path("Name").asText("").replaceFirst("^/", "");
            JsonNode state = c.path("State");
            if (state.path("Running").asBoolean(false)) {
                running.add(new PortConflicts.Running(name, project, labels.path("com.docker.compose.project.working_dir").asText(""),
                        hostPorts(c.path("NetworkSettings").path("Ports"))));
            }
            if (!projects.contains(project) || "True".equalsIgnoreCase(labels.path("com.docker.compose.oneoff").asText("False"))) {
                continue;
            }
            Map<String, String> env = new LinkedHashMap<>();
            for (JsonNode e : c.path("Config").path("Env")) {
                String kv = e.asText();
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    env.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
            }
            List<ObservedContainer.Mount> mounts = new ArrayList<>();
            for (JsonNode m : c.path("Mounts")) {
                mounts.add(new ObservedContainer.Mount(m.path("Type").asText(""), m.path("Name").asText(""),
                        m.path("Destination").asText("")));
            }
            containers.add(new ObservedContainer(project,
                    labels.path("com.docker.compose.service").asText(""),
                    name,
                    state.path("Status").asText(""),
                    state.path("Health").path("Status").asText(""),
                    c.path("RestartCount").asInt(0),
                    env, List.copyOf(mounts), c.path("Config").path("Image").asText(""),
                    labels.path("com.docker.compose.config-hash").asText("")));
        }
    }

    /**
     * The host ports of a port map as `docker inspect` gives it (NetworkSettings.Ports, HostConfig.PortBindings:
     * "4222/tcp": [{"HostIp": "0.0.0.0", "HostPort": "4222"}, …]), each once.
     */
    public static List<Integer> hostPorts(JsonNode ports) {
        Set<Integer> out = new LinkedHashSet<>();
        ports.properties().forEach(e -> e.getValue().forEach(b -> {
            String p = b.path("HostPort").asText("");
            if (p.matches("\\d+")) {
                out.add(Integer.parseInt(p));
            }
        }));
        return List.copyOf(out);
    }
}
