package dev.infra.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infra.inventory.Inventory;
import dev.infra.testing.Cli;
import dev.infra.testing.Inventories;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What ami.yml renders, byte for byte. A template or loader change that alters any file fails
 * here; after checking the diff, regenerate with {@code mvn test -Dtest=GoldenRenderTest -Dgolden.update=true}.
 */
class GoldenRenderTest {
    static final Path GOLDEN = Cli.repo().resolve("src/test/resources/golden/ami");

    @Test
    void amiRendersExactlyTheGoldenFiles() throws IOException {
        TreeMap<String, String> rendered = Inventories.renderAll(Inventories.shipped("ami.yml"));
        if (Boolean.getBoolean("golden.update")) {
            write(rendered);
        }
        TreeMap<String, String> golden = read();
        assertThat(rendered.keySet()).containsExactlyElementsOf(golden.keySet());
        for (Map.Entry<String, String> e : rendered.entrySet()) {
            assertThat(e.getValue()).as(e.getKey()).isEqualTo(golden.get(e.getKey()));
        }
    }

    @Test
    void renderingTwiceGivesIdenticalBytes() {
        Inventory first = Inventories.shipped("ami.yml");
        Inventory second = Inventories.shipped("ami.yml");
        assertThat(Inventories.renderAll(first)).isEqualTo(Inventories.renderAll(second));
        assertThat(Inventories.renderAll(first)).isEqualTo(Inventories.renderAll(first));
    }

    @Test
    void renderCommandWritesTheSameBytesAsTheGoldenFiles(@TempDir Path out) throws IOException {
        Cli.Result r = Cli.run("-i", Cli.inventory("ami.yml"), "--templates", Cli.templates(), "render", "--out", out.toString());
        assertThat(r.exitCode()).as(r.all()).isZero();
        TreeMap<String, String> written = new TreeMap<>();
        try (Stream<Path> files = Files.walk(out)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                written.put(out.relativize(p).toString(), Files.readString(p, StandardCharsets.UTF_8));
            }
        }
        assertThat(written).isEqualTo(read());
    }

    @Test
    void renderCanBeLimitedToOneHost(@TempDir Path out) throws IOException {
        Cli.Result r = Cli.run("-i", Cli.inventory("ami.yml"), "--templates", Cli.templates(),
                "render", "--out", out.toString(), "--host", "ami-worker-2");
        assertThat(r.exitCode()).as(r.all()).isZero();
        try (Stream<Path> dirs = Files.list(out)) {
            assertThat(dirs.map(p -> p.getFileName().toString())).containsExactly("ami-worker-2");
        }
        Cli.Result typo = Cli.run("-i", Cli.inventory("ami.yml"), "--templates", Cli.templates(),
                "render", "--out", out.toString(), "--host", "ami-wroker-2");
        assertThat(typo.exitCode()).isEqualTo(1);
        assertThat(typo.err()).contains("Did you mean 'ami-worker-2'?");
    }

    private static TreeMap<String, String> read() throws IOException {
        TreeMap<String, String> golden = new TreeMap<>();
        try (Stream<Path> files = Files.walk(GOLDEN)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                golden.put(GOLDEN.relativize(p).toString(), Files.readString(p, StandardCharsets.UTF_8));
            }
        }
        return golden;
    }

    private static void write(TreeMap<String, String> rendered) throws IOException {
        for (Map.Entry<String, String> e : rendered.entrySet()) {
            Path p = GOLDEN.resolve(e.getKey());
            Files.createDirectories(p.getParent());
            Files.writeString(p, e.getValue(), StandardCharsets.UTF_8);
        }
    }
}
