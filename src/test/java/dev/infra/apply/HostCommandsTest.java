package dev.infra.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infra.ssh.RemoteCommand;
import dev.infra.testing.LocalSh;
import dev.infra.units.Hashing;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The write and restore commands, run by a real sh with HOME pointing at a temp dir. */
class HostCommandsTest {
    @TempDir
    Path home;

    /** The write of {@code content}, fed exactly {@code content} on stdin. */
    int write(String path, String mode, Optional<String> expected, String content) {
        return run(HostCommands.atomicWrite(path, mode, expected, content.getBytes(StandardCharsets.UTF_8)), content);
    }

    int run(RemoteCommand c, String stdin) {
        return LocalSh.run(c.script(), stdin, Map.of("HOME", home.toString())).exitCode();
    }

    @Test
    void aNewFileIsCreatedWithItsModeAndNoBackup() throws Exception {
        assertThat(write("~/app/.envs/.django", "0600", Optional.empty(), "NATS_URL=n\n")).isZero();
        Path f = home.resolve("app/.envs/.django");
        assertThat(Files.readString(f)).isEqualTo("NATS_URL=n\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
        assertThat(f.resolveSibling(".django.infra-bak")).doesNotExist();
        try (var leftovers = Files.list(f.getParent())) {
            assertThat(leftovers.map(x -> x.getFileName().toString())).containsExactly(".django");
        }
    }

    @Test
    void anUnchangedFileIsReplacedKeepingItsModeAndABackup() throws Exception {
        Path f = Files.createDirectories(home.resolve("app")).resolve("c.yml");
        Files.writeString(f, "old\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
        assertThat(write("~/app/c.yml", "0644", Optional.of(Hashing.sha256Hex("old\n")), "new\n")).isZero();
        assertThat(Files.readString(f)).isEqualTo("new\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-r-----");
        assertThat(Files.readString(home.resolve("app/c.yml.infra-bak"))).isEqualTo("old\n");

        assertThat(run(HostCommands.restore("~/app/c.yml", true), "")).isZero();
        assertThat(Files.readString(f)).isEqualTo("old\n");
    }

    @Test
    void aFileThatNowCarriesASecretBecomesTheOwnersAlone() throws Exception {
        Path f = Files.createDirectories(home.resolve("nats/config")).resolve("nats.conf");
        Files.writeString(f, "port: 4222\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(run(HostCommands.atomicWrite("~/nats/config/nats.conf", "0600", Optional.of(Hashing.sha256Hex("port: 4222\n")), true,
                "port: 4222\nauthorization { token: t0k3n }\n".getBytes(StandardCharsets.UTF_8)), "port: 4222\nauthorization { token: t0k3n }\n")).isZero();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
    }

    @Test
    void aFileChangedSinceItWasReadIsNotOverwritten() throws Exception {
        Path f = Files.createDirectories(home.resolve("app")).resolve(".django");
        Files.writeString(f, "SECRET=edited-by-someone-else\n");
        assertThat(write("~/app/.django", "0600", Optional.of(Hashing.sha256Hex("SECRET=old\n")), "NATS_URL=n\n"))
                .isEqualTo(3);
        assertThat(Files.readString(f)).isEqualTo("SECRET=edited-by-someone-else\n");
        assertThat(write("~/app/.django", "0600", Optional.empty(), "x\n")).as("appeared since").isEqualTo(3);
        assertThat(Files.readString(f)).isEqualTo("SECRET=edited-by-someone-else\n");
    }

    @Test
    void contentCutOffOnTheWayReplacesNothing() throws Exception {
        // A client killed while it streams the file: sshd closes stdin early, and cat sees an ordinary end.
        Path f = Files.createDirectories(home.resolve("app/.envs")).resolve(".django");
        Files.writeString(f, "SECRET=s\nLAB_FAULT=1\n");
        String whole = "SECRET=s\nLAB_FAULT=2\n";
        for (String arrived : new String[] {"", "SECRET=s\n"}) {
            var r = LocalSh.run(HostCommands.atomicWrite("~/app/.envs/.django", "0600", Optional.of(Hashing.sha256Hex("SECRET=s\nLAB_FAULT=1\n")),
                    whole.getBytes(StandardCharsets.UTF_8)).script(), arrived, Map.of("HOME", home.toString()));
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
            assertThat(r.output()).contains("arrived incomplete").contains("nothing was changed");
            assertThat(Files.readString(f)).isEqualTo("SECRET=s\nLAB_FAULT=1\n");
            try (var leftovers = Files.list(f.getParent())) {
                assertThat(leftovers.map(x -> x.getFileName().toString())).containsExactly(".django");
            }
        }
    }

    /** A docker that logs its arguments, one per line, and answers `docker port` as Docker 20.10 does. */
    Path fakeDocker() throws Exception {
        Path bin = Files.createDirectories(home.resolve("bin"));
        Path docker = bin.resolve("docker");
        Files.writeString(docker, "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done >> \"$HOME/docker.log\"; echo >> \"$HOME/docker.log\"\n"
                + "[ \"$1\" = port ] && echo 127.0.0.1:49153\nexit 0\n");
        Files.setPosixFilePermissions(docker, PosixFilePermissions.fromString("rwxr-xr-x"));
        return bin;
    }

    @Test
    void aStagedStoreIsServedFromACopyOnTheLoopbackOnlyAndItsPortPrinted() throws Exception {
        Path bin = fakeDocker();
        Path staged = Files.createDirectories(home.resolve(".infra/jetstream-moves/20261128T120000Z/$G/streams/job_7"));
        Files.writeString(staged.resolve("meta.inf"), "{}");
        var r = LocalSh.run(HostCommands.serveStoreCopy("registry.local/nats:2.9 'odd'", "~/.infra/jetstream-moves/20261128T120000Z").script(),
                "", Map.of("HOME", home.toString(), "PATH", bin + ":/usr/bin:/bin"));
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.output().strip()).isEqualTo("49153");
        assertThat(home.resolve(".infra/jetstream-moves/20261128T120000Z.serve/jetstream/$G/streams/job_7/meta.inf")).exists();
        assertThat(staged.resolve("meta.inf")).as("the staged store stays as the backup").exists();
        String log = Files.readString(home.resolve("docker.log"));
        assertThat(log).contains("run\n-d\n--name\ninfra-nats-store-copy\n-p\n127.0.0.1::4222\n-v\n" + home
                + "/.infra/jetstream-moves/20261128T120000Z.serve:/copy\nregistry.local/nats:2.9 'odd'\n-js\n-sd\n/copy\n");

        assertThat(LocalSh.run(HostCommands.dropStoreCopy("~/.infra/jetstream-moves/20261128T120000Z").script(), "",
                Map.of("HOME", home.toString(), "PATH", bin + ":/usr/bin:/bin")).exitCode()).isZero();
        assertThat(home.resolve(".infra/jetstream-moves/20261128T120000Z.serve")).doesNotExist();
        assertThat(staged.resolve("meta.inf")).exists();
    }
}
