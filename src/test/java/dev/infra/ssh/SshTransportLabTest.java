package dev.infra.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infra.testing.Cli;
import dev.infra.testing.LabExtension;
import dev.infra.testing.LocalSh;
import dev.infra.units.LocalFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What operators rely on from OpenSSH, against the lab: ssh-agent, ssh_config aliases, dead hosts. */
class SshTransportLabTest {
    @RegisterExtension
    static LabExtension lab = new LabExtension();

    /** Every lab host up, whatever an earlier test paused or stopped (these tests only plan: nothing to apply). */
    @BeforeEach
    void everyHostUp() {
        lab.hostsUp();
    }

    /** A lab directory with the pinned known_hosts (and ssh_config) but no private key in it. */
    static Path keylessDir() throws IOException {
        Path dir = Files.createDirectories(lab.dir().resolve("keyless"));
        Files.copy(lab.lab().ssh().knownHosts(), dir.resolve("known_hosts"), StandardCopyOption.REPLACE_EXISTING);
        return dir;
    }

    @Test
    void aKeyHeldOnlyBySshAgentLogsIn() throws Exception {
        Path dir = keylessDir();
        Cli.Result without = lab.infraOn(lab.inventoryFile(), dir, "plan");
        assertThat(without.exitCode()).isEqualTo(1);
        assertThat(without.all()).contains("no key to log in with");

        Path socket = lab.dir().resolve("agent.sock");
        Process agent = new ProcessBuilder("ssh-agent", "-D", "-a", socket.toString()).redirectErrorStream(true).start();
        try {
            for (int i = 0; i < 50 && !Files.exists(socket); i++) {
                Thread.sleep(100);
            }
            ProcessBuilder add = new ProcessBuilder("ssh-add", lab.lab().ssh().identity().toString()).redirectErrorStream(true);
            add.environment().put("SSH_AUTH_SOCK", socket.toString());
            Process p = add.start();
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor()).as(out).isZero();
            System.setProperty("infra.ssh.auth_sock", socket.toString());
            Cli.Result with = lab.infraOn(lab.inventoryFile(), dir, "plan");
            assertThat(with.exitCode()).as(with.all()).isZero();
            assertThat(with.out()).contains("# ami-worker-2").contains("Plan: ");
        } finally {
            System.clearProperty("infra.ssh.auth_sock");
            agent.destroy();
            agent.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aHostNamedByItsSshConfigAliasIsReachedThroughItsProxyJump() throws IOException {
        Path inventory = lab.inventoryVariant("alias.yml", yml -> yml
                .replace("  ami-worker-2:\n    address: ami-worker-2\n", "  ami-worker-2:\n    ssh_alias: ami-worker-2\n"));
        Cli.Result hosts = lab.infraOn(inventory, "hosts");
        assertThat(hosts.out()).contains("ssh_config alias 'ami-worker-2'");
        Cli.Result plan = lab.infraOn(inventory, "plan", "--limit", "ami-worker-2");
        assertThat(plan.exitCode()).as(plan.all()).isZero();
        assertThat(plan.out()).contains("# ami-worker-2 (worker, ssh_config alias");
    }

    @Test
    void aHungHostFailsWithinTwiceItsConnectTimeoutAndAlone() {
        String container = lab.labHost("ami-live").container();
        lab.docker().pauseContainerCmd(container).exec();
        try {
            long start = System.nanoTime();
            Cli.Result plan = lab.infra("plan");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(plan.exitCode()).isEqualTo(1);
            assertThat(plan.out()).contains("Error: ami-live: no SSH answer").contains("# ami-worker-2").contains("# ami-redis-1");
            assertThat(millis).as("lab connect_timeout is 5s").isLessThan(20_000);
            System.out.println("plan with one hung host took " + millis + " ms");
        } finally {
            lab.docker().unpauseContainerCmd(container).exec();
        }
    }

    @Test
    void aDeadHostFailsFastAndAlone() {
        lab.docker().stopContainerCmd(lab.labHost("ami-live").container()).withTimeout(1).exec();
        try {
            long start = System.nanoTime();
            Cli.Result plan = lab.infra("plan");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(plan.exitCode()).isEqualTo(1);
            assertThat(plan.out()).contains("Error: ami-live: cannot connect").contains("# ami-worker-2").contains("# ami-redis-1");
            System.out.println("plan with one dead host took " + millis + " ms");
        } finally {
            lab.restartHost("ami-live");
        }
    }

    /**
     * An operator's ssh_config with a ControlPath (an MFA bastion, ControlPersist) and a master
     * running to the bastion: infra reaches the hosts behind it through that master, as `ssh -J`
     * would, and never logs in to the bastion itself. Shown by giving infra, for the bastion alone,
     * a key the bastion refuses: without the master the plan cannot get past it, with it the plan reads
     * the worker (whose own key is still checked against the pinned known_hosts).
     */
    @Test
    void hostsBehindABastionWhoseOpenSshMasterRunsAreReachedThroughIt() throws Exception {
        Path sockets = Files.createTempDirectory("infra-cm");  // short: a socket path must fit in 108 bytes
        Path config = lab.dir().resolve("ssh_config_master");
        Files.writeString(config, Files.readString(lab.lab().ssh().config()).replaceAll("(?m)^\\s*IdentityFile .*\n", "")
                + "Host *\n  ControlPath " + sockets.resolve("%C") + "\n");
        Path refused = lab.dir().resolve("refused_key");
        Files.deleteIfExists(refused);
        Files.deleteIfExists(lab.dir().resolve("refused_key.pub"));
        assertThat(LocalSh.run("ssh-keygen -q -t ed25519 -N '' -f " + Shell.quote(refused.toString())).exitCode()).isZero();
        Path inventory = lab.inventoryVariant("master.yml", yml -> yml
                .replace("config: ${var:lab_dir}/ssh_config", "config: " + config)
                .replace("    ssh:\n      port: ${var:bastion_port}\n", "    ssh:\n      port: ${var:bastion_port}\n      identity_file: " + refused + "\n")
                .replace("\nhosts:\n", "\nhosts:\n  ami-closed:\n    address: ami-live\n    roles: [worker]\n    ssh:\n      port: 2\n"));

        Cli.Result alone = lab.infraOn(inventory, "plan", "--limit", "ami-worker-2");
        assertThat(alone.exitCode()).as(alone.all()).isEqualTo(1);
        assertThat(alone.all()).contains("refused our key");

        String master = "ssh -F " + Shell.quote(config.toString()) + " -i " + Shell.quote(lab.lab().ssh().identity().toString());
        LocalSh.Result up = LocalSh.run(master + " -o ControlMaster=yes -o ControlPersist=120 -fN ami-cc");
        assertThat(up.exitCode()).as(up.output()).isZero();
        try {
            Cli.Result through = lab.infraOn(inventory, "plan", "--limit", "ami-worker-2");
            assertThat(through.exitCode()).as(through.all()).isZero();
            assertThat(through.out()).contains("# ami-worker-2").contains("Plan: ").doesNotContain("cannot connect");

            // A host the bastion cannot reach: OpenSSH's own words, at once (not tried again as if the sshd were busy).
            long start = System.nanoTime();
            Cli.Result closed = lab.infraOn(inventory, "plan", "--limit", "ami-closed");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(closed.exitCode()).as(closed.all()).isEqualTo(1);
            assertThat(closed.all()).contains("ami-closed: cannot connect").contains("the OpenSSH master of ami-cc could not open a connection there")
                    .contains("Stdio forwarding request failed");
            assertThat(millis).as("refused in %d ms", millis).isLessThan(4000);
        } finally {
            LocalSh.run(master + " -O exit ami-cc");
            LocalFiles.deleteTree(sockets);
        }
    }
}
