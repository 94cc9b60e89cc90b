package dev.infra.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infra.testing.LocalSh;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import net.schmizz.sshj.common.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hashed known_hosts (the Debian/Ubuntu default, `ssh-keygen -H`) checked by many connections at
 * once: a pinned key is accepted every time, and a refusal names its own host, never another's.
 */
class HashedKnownHostsTest {
    @TempDir
    Path dir;

    @Test
    void pinnedKeysInAHashedFileAreAcceptedUnderParallelChecks() throws Exception {
        assertThat(LocalSh.run("cd '" + dir + "' && ssh-keygen -q -t ed25519 -N '' -f key && ssh-keygen -q -t ed25519 -N '' -f other"
                + " && for i in $(seq 1 30); do printf 'host%s %s\\n' \"$i\" \"$(cut -d' ' -f1,2 key.pub)\"; done > known_hosts"
                + " && ssh-keygen -q -H -f known_hosts && rm -f known_hosts.old").exitCode()).isZero();
        assertThat(Files.readString(dir.resolve("known_hosts"))).startsWith("|1|").doesNotContain("host1 ");
        PublicKey key = publicKey(dir.resolve("key.pub"));
        PublicKey other = publicKey(dir.resolve("other.pub"));
        StrictKnownHosts verifier = new StrictKnownHosts(dir.resolve("known_hosts"));

        AtomicInteger refused = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(10);
        List<Future<?>> work = new ArrayList<>();
        for (int t = 0; t < 10; t++) {
            work.add(pool.submit(() -> {
                for (int i = 0; i < 300; i++) {
                    // What a connection asks: the algorithms pinned for the host (key exchange), then the key itself.
                    if (verifier.findExistingAlgorithms("host" + (1 + i % 30), 22).isEmpty()
                            || !verifier.verify("host" + (1 + i % 30), 22, key)) {
                        refused.incrementAndGet();
                    }
                }
            }));
        }
        for (Future<?> f : work) {
            f.get();
        }
        pool.shutdown();
        assertThat(refused.get()).as("pinned keys refused under parallel checks").isZero();

        assertThat(verifier.verify("host7", 22, other)).isFalse();
        assertThat(verifier.rejection("host7", 22)).contains("HOST KEY OF host7 HAS CHANGED");
        assertThat(verifier.rejection("host8", 22)).as("another host's refusal is not host8's").isNull();
        assertThat(verifier.verify("stranger", 2222, key)).isFalse();
        assertThat(verifier.rejection("stranger", 2222)).contains("[stranger]:2222").contains("is not in");
    }

    static PublicKey publicKey(Path pub) throws Exception {
        byte[] blob = Base64.getDecoder().decode(Files.readString(pub).split(" ")[1]);
        return new Buffer.PlainBuffer(blob).readPublicKey();
    }

    @Test
    void aHashedPinIsOneOpenSshFindsUnderItsName() throws Exception {
        assertThat(LocalSh.run("cd '" + dir + "' && ssh-keygen -q -t ed25519 -N '' -f key").exitCode()).isZero();
        String[] pub = Files.readString(dir.resolve("key.pub")).split(" ");
        SshPool.HostKey key = new SshPool.HostKey("[ami-worker-3]:2222", pub[0], pub[1], "SHA256:x");
        String line = key.hashedKnownHostsLine();
        assertThat(line).startsWith("|1|").doesNotContain("ami-worker-3").endsWith(pub[0] + " " + pub[1]);
        Files.writeString(dir.resolve("hashed"), line + "\n");
        LocalSh.Result found = LocalSh.run("ssh-keygen -F '[ami-worker-3]:2222' -f '" + dir.resolve("hashed") + "'");
        assertThat(found.exitCode()).as(found.output()).isZero();
        assertThat(LocalSh.run("ssh-keygen -F ami-worker-4 -f '" + dir.resolve("hashed") + "'").exitCode()).isNotZero();
    }
}
