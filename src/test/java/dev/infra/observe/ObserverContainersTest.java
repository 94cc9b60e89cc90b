package dev.infra.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infra.lab.LabDocker;
import dev.infra.lab.LabImages;
import dev.infra.render.HostState;
import dev.infra.testing.Inventories;
import dev.infra.testing.LocalSh;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * The state read, run by a real sh against this machine's real Docker engine: the containers of the
 * host's compose projects (a stopped one too, not a `compose run` one-off) and every running container
 * with the host ports it publishes (a NATS started by hand elsewhere) come from one inspect.
 */
class ObserverContainersTest {
    static final String PROJECT = "ami-platform";
    static GenericContainer<?> worker;
    static GenericContainer<?> stopped;
    static GenericContainer<?> oneOff;
    static GenericContainer<?> foreignNats;

    @BeforeAll
    static void start() {
        new LabImages(LabDocker.connect(), new PrintWriter(new StringWriter()), LabImages.defaultCacheDir()).ensure(LabImages.NATS);
        worker = nats().withLabel("com.docker.compose.project", PROJECT).withLabel("com.docker.compose.service", "celeryworker")
                .withEnv("NATS_URL", "nats://nats:4222");
        stopped = nats().withLabel("com.docker.compose.project", PROJECT).withLabel("com.docker.compose.service", "flower");
        oneOff = nats().withLabel("com.docker.compose.project", PROJECT).withLabel("com.docker.compose.service", "django")
                .withLabel("com.docker.compose.oneoff", "True");
        foreignNats = nats().withLabel("com.docker.compose.project", "nats-hand")
                .withLabel("com.docker.compose.project.working_dir", "/root/nats-hand").withExposedPorts(4222, 8222);
        List.of(worker, stopped, oneOff, foreignNats).forEach(GenericContainer::start);
        DockerClientFactory.instance().client().stopContainerCmd(stopped.getContainerId()).withTimeout(1).exec();
    }

    static GenericContainer<?> nats() {
        return new GenericContainer<>(DockerImageName.parse(LabImages.NATS)).withCommand("-js", "-m", "8222")
                .waitingFor(Wait.forLogMessage(".*Server is ready.*", 1));
    }

    @AfterAll
    static void stop() {
        for (GenericContainer<?> c : new GenericContainer<?>[] {worker, stopped, oneOff, foreignNats}) {
            if (c != null) {
                c.stop();
            }
        }
    }

    static String name(GenericContainer<?> c) {
        return c.getContainerName().replaceFirst("^/", "");
    }

    /** Through the engine's API with curl (this machine: root, the socket, curl), with no docker CLI on the PATH at all. */
    @Test
    void theEnginesApiGivesTheProjectsContainersAndEveryRunningContainersPorts(@TempDir Path home) throws Exception {
        Path bin = Files.createDirectories(home.resolve("bin"));
        for (String tool : List.of("sh", "grep", "cut", "sed", "curl", "cat", "base64", "head", "tr")) {
            Files.createSymbolicLink(bin.resolve(tool), Path.of(LocalSh.run("command -v " + tool).output().strip()));
        }
        assertRead(home, Map.of("HOME", home.toString(), "PATH", bin.toString()));
    }

    /** Through the docker CLI, as on a host without curl or whose CLI talks to another engine (DOCKER_HOST). */
    @Test
    void theDockerCliGivesTheSame(@TempDir Path home) {
        assertRead(home, Map.of("HOME", home.toString(), "DOCKER_HOST", "unix:///var/run/docker.sock"));
    }

    /**
     * Through the connection: the host only says that its CLI's engine is the default socket, and the
     * engine's API answers over that socket (here this machine's, as sshd would connect to it), with no
     * curl and no docker CLI on the host's PATH.
     */
    @Test
    void theEnginesApiThroughTheConnectionGivesTheSame(@TempDir Path home) throws Exception {
        Path bin = Files.createDirectories(home.resolve("bin"));
        for (String tool : List.of("sh", "base64", "cat", "timeout")) {
            Files.createSymbolicLink(bin.resolve(tool), Path.of(LocalSh.run("command -v " + tool).output().strip()));
        }
        assertRead(home, Map.of("HOME", home.toString(), "PATH", bin.toString()), true);
    }

    /** Restarts an interrupted apply left due are read where they are recorded, and nothing is read where none are. */
    @Test
    void restartsLeftDueAreReadOnlyWhereRecorded(@TempDir Path home) throws Exception {
        HostState desired = Inventories.renderer().render(Inventories.shipped("ami.yml")).get("ami-worker-2");
        String script = Observer.command(desired, true).script();
        Map<String, String> env = Map.of("HOME", home.toString());
        assertThat(Observer.parse("w", LocalSh.run(script, "", env).output(), "").pendingRestarts()).isEmpty();
        Files.createDirectories(home.resolve(".infra"));
        Files.writeString(home.resolve(".infra/pending-restarts"), "ami-platform/celeryworker\n");
        assertThat(Observer.parse("w", LocalSh.run(script, "", env).output(), "").pendingRestarts()).containsExactly("ami-platform/celeryworker");
    }

    /** Where DOCKER_HOST names the engine, the host's own CLI reads it even when infra could reach the default socket. */
    @Test
    void aHostWhoseCliTalksToAnotherEngineIsReadByItsCli(@TempDir Path home) {
        HostState desired = Inventories.renderer().render(Inventories.shipped("ami.yml")).get("ami-worker-2");
        LocalSh.Result r = LocalSh.run(Observer.command(desired, true).script(), "",
                Map.of("HOME", home.toString(), "DOCKER_HOST", "unix:///var/run/docker.sock"));
        assertThat(Observer.asksEngine(r.output())).isFalse();
        assertRead(home, Map.of("HOME", home.toString(), "DOCKER_HOST", "unix:///var/run/docker.sock"), true);
    }

    /** One exchange with this machine's engine over its Unix socket, as the SSH channel carries it. */
    static String exchange(byte[] request) {
        try (SocketChannel engine = SocketChannel.open(UnixDomainSocketAddress.of(EngineApi.SOCKET))) {
            engine.write(ByteBuffer.wrap(request));
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            ByteBuffer chunk = ByteBuffer.allocate(8192);
            while (engine.read(chunk) >= 0) {
                answer.write(chunk.array(), 0, chunk.position());
                chunk.clear();
            }
            return answer.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void assertRead(Path home, Map<String, String> env) {
        assertRead(home, env, false);
    }

    static void assertRead(Path home, Map<String, String> env, boolean engineForwarded) {
        HostState desired = Inventories.renderer().render(Inventories.shipped("ami.yml")).get("ami-worker-2");
        assertThat(desired.projects()).extracting(p -> p.name()).contains(PROJECT);
        LocalSh.Result r = LocalSh.run(Observer.command(desired, engineForwarded).script(), "", env);
        assertThat(r.exitCode()).as(r.output()).isZero();
        if (engineForwarded && !env.containsKey("DOCKER_HOST")) {
            assertThat(Observer.asksEngine(r.output())).as("the host leaves its engine to the connection").isTrue();
        }
        String engine = Observer.asksEngine(r.output()) ? EngineApi.inspectAll(ObserverContainersTest::exchange) : "";
        ObservedHost o = Observer.parse("w", r.output(), engine);

        assertThat(o.containers(PROJECT, "celeryworker")).singleElement().satisfies(c -> {
            assertThat(c.name()).isEqualTo(name(worker));
            assertThat(c.running()).isTrue();
            assertThat(c.env()).containsEntry("NATS_URL", "nats://nats:4222");
        });
        assertThat(o.containers(PROJECT, "flower")).singleElement().satisfies(c -> assertThat(c.running()).isFalse());
        assertThat(o.containers(PROJECT, "django")).as("a compose run one-off is not the service").isEmpty();
        assertThat(o.containers()).extracting(ObservedContainer::project).as("only the host's own projects").containsOnly(PROJECT);

        assertThat(o.running()).filteredOn(c -> c.name().equals(name(foreignNats))).singleElement().satisfies(c -> {
            assertThat(c.project()).isEqualTo("nats-hand");
            assertThat(c.workingDir()).isEqualTo("/root/nats-hand");
            assertThat(c.hostPorts()).containsExactlyInAnyOrder(foreignNats.getMappedPort(4222), foreignNats.getMappedPort(8222));
        });
        assertThat(o.running()).extracting(PortConflicts.Running::name).contains(name(worker)).doesNotContain(name(stopped));
    }
}
