package dev.infra.adopt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.infra.observe.Observer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What `infra import` read on one host: its containers (from `docker inspect`), the compose projects
 * they belong to (files, git state, env files' key names) and, on a NATS host, the server's /jsz.
 * Plain data, parsed from the commands' output, so the import itself is tested on canned facts.
 */
public record HostFacts(String name, String home, List<Container> containers, Map<String, Project> projects, Optional<String> jsz) {

    /** One container as `docker inspect` describes it; {@code project}/{@code service} are compose's labels (empty outside compose). */
    public record Container(String name, String image, boolean running, Map<String, String> labels, List<String> command,
                            List<Integer> publishedPorts, List<String> extraHosts, List<Mount> mounts) {
        public String project() {
            return labels.getOrDefault("com.docker.compose.project", "");
        }

        public String service() {
            return labels.getOrDefault("com.docker.compose.service", "");
        }

        public String workingDir() {
            return labels.getOrDefault("com.docker.compose.project.working_dir", "");
        }

        /** The compose files it was started from, as compose recorded them (v1: as given; v2: absolute). */
        public List<String> configFiles() {
            String files = labels.getOrDefault("com.docker.compose.project.config_files", "");
            return files.isEmpty() ? List.of() : List.of(files.split(","));
        }

        public boolean oneOff() {
            return labels.getOrDefault("com.docker.compose.oneoff", "False").equalsIgnoreCase("true");
        }

        /** The port given to one of {@code flags} on its command line (nats-server's -p, -m), else {@code dflt}. */
        public int portFlag(List<String> flags, int dflt) {
            for (int i = 0; i < command.size() - 1; i++) {
                if (flags.contains(command.get(i)) && command.get(i + 1).matches("[0-9]{1,5}")) {
                    return Integer.parseInt(command.get(i + 1));
                }
            }
            return dflt;
        }

        /** The NATS monitoring port it serves (-m / --http_port; 8222 when not given). */
        public int monitorPort() {
            return portFlag(List.of("-m", "--http_port"), 8222);
        }

        /** A NATS server: its image is nats (any registry or tag) or it runs nats-server. */
        public boolean isNats() {
            String repo = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
            int slash = repo.lastIndexOf('/');
            String last = repo.substring(slash + 1);
            String base = last.contains(":") ? last.substring(0, last.indexOf(':')) : last;
            return base.equals("nats") || command.stream().anyMatch(c -> c.endsWith("nats-server"));
        }
    }

    /** A mount: a named volume ({@code volume} true, source = its name) or a bind mount. */
    public record Mount(boolean volume, String source, String destination) {}

    /** A compose project's directory: git state, its compose files' text, and each env file's key names. */
    public record Project(String dir, boolean git, Set<String> tracked, Map<String, String> composeFiles, Map<String, EnvKeys> envFiles) {}

    /** An env file's key names, and NATS_URL's value when the file sets it (the one value import reads). */
    public record EnvKeys(List<String> keys, Optional<String> natsUrl) {
        /** A file that is missing (or holds no keys). */
        public static final EnvKeys NONE = new EnvKeys(List.of(), Optional.empty());
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Parses {@link ImportCommands#containers()}'s output: the home line, then `docker inspect`'s JSON array. */
    public static ContainersOutput parseContainers(String output) throws IOException {
        String home = "";
        String json = output;
        if (output.startsWith("@@HOME ")) {
            int nl = output.indexOf('\n');
            home = output.substring(7, nl < 0 ? output.length() : nl).strip();
            json = nl < 0 ? "[]" : output.substring(nl + 1);
        }
        List<Container> out = new ArrayList<>();
        for (JsonNode c : JSON.readTree(json)) {
            Map<String, String> labels = new LinkedHashMap<>();
            c.path("Config").path("Labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
            List<String> command = new ArrayList<>();
            c.path("Config").path("Entrypoint").forEach(n -> command.add(n.asText()));
            c.path("Config").path("Cmd").forEach(n -> command.add(n.asText()));
            List<Integer> ports = Observer.hostPorts(c.path("HostConfig").path("PortBindings"));
            List<String> extraHosts = new ArrayList<>();
            c.path("HostConfig").path("ExtraHosts").forEach(n -> extraHosts.add(n.asText()));
            List<Mount> mounts = new ArrayList<>();
            c.path("Mounts").forEach(m -> mounts.add(new Mount(m.path("Type").asText().equals("volume"),
                    m.path("Type").asText().equals("volume") ? m.path("Name").asText() : m.path("Source").asText(),
                    m.path("Destination").asText())));
            String name = c.path("Name").asText();
            out.add(new Container(name.startsWith("/") ? name.substring(1) : name, c.path("Config").path("Image").asText(),
                    c.path("State").path("Running").asBoolean(false), labels, command, List.copyOf(ports), extraHosts, mounts));
        }
        return new ContainersOutput(home, out);
    }

    public record ContainersOutput(String home, List<Container> containers) {}

    /** Parses {@link ImportCommands#project}'s output. */
    public static Project parseProject(String dir, String output) {
        boolean git = false;
        Set<String> tracked = new LinkedHashSet<>();
        Map<String, String> files = new LinkedHashMap<>();
        Map<String, List<String>> envKeys = new LinkedHashMap<>();
        Map<String, String> natsUrls = new LinkedHashMap<>();
        String file = null;
        StringBuilder text = null;
        String env = null;
        for (String line : output.split("\n", -1)) {
            if (text != null) {
                if (line.equals(ImportCommands.END)) {
                    files.put(file, text.toString());
                    text = null;
                } else {
                    text.append(line).append('\n');
                }
            } else if (line.equals(ImportCommands.GIT)) {
                git = true;
            } else if (line.startsWith(ImportCommands.TRACKED)) {
                tracked.add(line.substring(ImportCommands.TRACKED.length()));
            } else if (line.startsWith(ImportCommands.FILE)) {
                file = line.substring(ImportCommands.FILE.length());
                text = new StringBuilder();
                env = null;
            } else if (line.startsWith(ImportCommands.ENV)) {
                env = line.substring(ImportCommands.ENV.length());
                envKeys.put(env, new ArrayList<>());
            } else if (env != null && line.startsWith("NATS_URL=")) {
                natsUrls.put(env, unquote(line.substring("NATS_URL=".length()).strip()));
            } else if (env != null && !line.isBlank()) {
                envKeys.get(env).add(line.strip());
            }
        }
        Map<String, EnvKeys> envs = new LinkedHashMap<>();
        envKeys.forEach((path, keys) -> envs.put(path, new EnvKeys(List.copyOf(new LinkedHashSet<>(keys)),
                Optional.ofNullable(natsUrls.get(path)))));
        return new Project(dir, git, tracked, files, envs);
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
            return v.substring(1, v.length() - 1);
        }
        return v;
    }
}
