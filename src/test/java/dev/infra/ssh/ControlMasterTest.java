package dev.infra.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infra.inventory.Inventory;
import dev.infra.testing.Cli;
import dev.infra.testing.Inventories;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An operator's OpenSSH master for a jump host: found from ssh_config as ssh finds it, and run as ssh is. */
class ControlMasterTest {

    /** inventory/lab.yml beside a .lab/ssh_config of the test's own. */
    static Inventory labWith(Path dir, String sshConfig) throws IOException {
        Files.createDirectories(dir.resolve("inventory"));
        Files.createDirectories(dir.resolve(".lab"));
        Files.writeString(dir.resolve(".lab/ssh_config"), sshConfig);
        Path inventory = dir.resolve("inventory/lab.yml");
        Files.copy(Path.of(Cli.inventory("lab.yml")), inventory);
        return Inventories.load(inventory, Map.of());
    }

    static Optional<ControlMaster> masterOfTheJumpOf(Inventory inv, String host) {
        return new EndpointResolver(inv).resolve(inv.host(host).orElseThrow()).jump().flatMap(Endpoint::master);
    }

    @Test
    void aControlPathForTheJumpHostDeclaresItsMasterAsInfraReachesIt(@TempDir Path dir) throws IOException {
        Inventory inv = labWith(dir, "Host 127.0.0.1\n  ControlMaster auto\n  ControlPath ~/.ssh/cm-%C\n  ControlPersist 10m\n");
        ControlMaster m = masterOfTheJumpOf(inv, "ami-worker-2").orElseThrow();
        assertThat(m.destination()).isEqualTo("127.0.0.1");
        assertThat(m.port()).isEqualTo(2222);
        assertThat(m.user()).isEqualTo("root");
        assertThat(m.config()).isEqualTo(dir.resolve(".lab/ssh_config"));
    }

    @Test
    void noControlPathOrControlPathNoneMeansInfraLogsInToTheJumpHostItself(@TempDir Path dir) throws IOException {
        assertThat(masterOfTheJumpOf(labWith(dir.resolve("a"), "Host *\n  ServerAliveInterval 30\n"), "ami-worker-2")).isEmpty();
        assertThat(masterOfTheJumpOf(labWith(dir.resolve("b"), "Host *\n  ControlPath none\n"), "ami-worker-2")).isEmpty();
        assertThat(masterOfTheJumpOf(labWith(dir.resolve("c"), "Host other\n  ControlPath /tmp/x-%C\n"), "ami-worker-2")).isEmpty();
    }

    @Test
    void sshIsAskedNeverToPromptNorToBecomeAMasterItself() {
        ControlMaster m = new ControlMaster(Path.of("/home/op/.ssh/config"), "bastion.example", 2222, "deploy");
        List<String> common = List.of("ssh", "-F", "/home/op/.ssh/config", "-o", "BatchMode=yes", "-o", "ControlMaster=no",
                "-o", "ProxyCommand=false", "-p", "2222", "-l", "deploy");
        assertThat(m.checkCommand()).startsWith(common.toArray(String[]::new)).endsWith("-O", "check", "--", "bastion.example");
        assertThat(m.forwardCommand("ami-worker-2", 22)).startsWith(common.toArray(String[]::new))
                .endsWith("-W", "ami-worker-2:22", "--", "bastion.example");
        assertThat(m.forwardCommand("fd00::7", 2200)).contains("[fd00::7]:2200");
    }

    @Test
    void aForwardTheMasterCouldNotOpenIsAnAnswerNotADropToTryAgain() {
        // OpenSSH 9.2's words when the jump host cannot reach the target.
        assertThat(ControlMaster.refused("channel 0: open failed: connect failed: Connection refused\nstdio forwarding failed")).isTrue();
        assertThat(ControlMaster.refused("Stdio forwarding request failed: Session open refused by peer")).isTrue();
        assertThat(ControlMaster.refused("")).isFalse();
    }

    @Test
    void noMasterOnTheSocketIsNoMaster(@TempDir Path dir) throws IOException {
        // Real ssh: a ControlPath where nothing listens. `-O check` fails without connecting anywhere.
        Path config = Files.writeString(dir.resolve("ssh_config"), "Host *\n  ControlPath " + dir.resolve("cm-%C") + "\n");
        assertThat(new ControlMaster(config, "127.0.0.1", 9, "root").running()).isFalse();
    }
}
