package dev.infra.lab;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.BuildImageResultCallback;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Seeds the lab's base image without a registry: debootstrap a minimal Debian into a directory,
 * then `docker import` it. Everything else builds FROM this image with ordinary Dockerfiles.
 */
final class BaseImageSeeder {
    private final DockerClient docker;

    BaseImageSeeder(DockerClient docker) {
        this.docker = docker;
    }

    void seed(String tag, String mirror, String include, Map<String, String> labels) {
        Path work = null;
        try {
            work = Files.createTempDirectory(Path.of("/var/tmp"), "infra-lab-base");
            Path rootfs = work.resolve("rootfs");
            Path log = work.resolve("debootstrap.log");
            run(List.of("debootstrap", "--variant=minbase", "--include=" + include, "bookworm", rootfs.toString(), mirror),
                    log, 15);
            prepare(rootfs, mirror);
            // docker-java's import endpoint (createImageCmd with a stream) fails with "unexpected EOF";
            // a FROM-scratch build that ADDs the tree as an archive gives the same image.
            Path ctx = work.resolve("ctx");
            Files.createDirectories(ctx);
            run(List.of("tar", "--numeric-owner", "-C", rootfs.toString(), "-cf", ctx.resolve("rootfs.tar").toString(), "."),
                    work.resolve("tar.log"), 5);
            Files.writeString(ctx.resolve("Dockerfile"), "FROM scratch\nADD rootfs.tar /\n"
                    + "ENV LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive\nCMD [\"/bin/bash\"]\n");
            docker.buildImageCmd(ctx.toFile()).withTags(Set.of(tag)).withLabels(labels).withPull(false)
                    .exec(new BuildImageResultCallback())
                    .awaitImageId(10, TimeUnit.MINUTES);
        } catch (IOException e) {
            throw new LabException("seeding " + tag + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted while seeding " + tag, e);
        } finally {
            // debootstrap leaves root-owned device nodes; rm handles them where Java's walk may not.
            if (work != null) {
                try {
                    new ProcessBuilder("rm", "-rf", work.toString()).start().waitFor(2, TimeUnit.MINUTES);
                } catch (IOException | InterruptedException ignored) {
                    // a leftover directory under /var/tmp is harmless
                }
            }
        }
    }

    /** Small, predictable images: no recommends, no docs, apt sources for later Dockerfiles. */
    private static void prepare(Path rootfs, String mirror) throws IOException {
        Files.writeString(rootfs.resolve("etc/apt/sources.list"),
                "deb " + mirror + " bookworm main\n"
                        + "deb " + mirror + " bookworm-updates main\n"
                        + "deb " + mirror.replaceFirst("/debian$", "/debian-security") + " bookworm-security main\n");
        Files.writeString(rootfs.resolve("etc/apt/apt.conf.d/99norecommends"),
                "APT::Install-Recommends \"false\";\nAPT::Install-Suggests \"false\";\n");
        Files.writeString(rootfs.resolve("etc/dpkg/dpkg.cfg.d/01nodoc"),
                "path-exclude /usr/share/doc/*\npath-exclude /usr/share/man/*\npath-exclude /usr/share/locale/*\n");
        for (String dir : List.of("var/cache/apt/archives", "var/lib/apt/lists", "usr/share/doc", "usr/share/man")) {
            try {
                new ProcessBuilder("sh", "-c", "rm -rf " + rootfs.resolve(dir) + "/*").start().waitFor(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LabException("interrupted", e);
            }
        }
        try (var keys = Files.newDirectoryStream(rootfs.resolve("etc/ssh"), "ssh_host_*")) {
            for (Path k : keys) {
                Files.delete(k);
            }
        }
        Files.writeString(rootfs.resolve("etc/hostname"), "");
        Files.writeString(rootfs.resolve("etc/resolv.conf"), "");
    }

    private static void run(List<String> command, Path log, int minutes) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new LabException(command.get(0) + " is not installed: apt-get install " + command.get(0)
                    + " (or run .ci/setup)", e);
        }
        if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new LabException(command.get(0) + " took longer than " + minutes + " minutes");
        }
        if (p.exitValue() != 0) {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            throw new LabException(command.get(0) + " failed:\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size())));
        }
    }
}
