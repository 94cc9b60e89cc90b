package dev.infra.apply;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.infra.testing.Cli;
import dev.infra.testing.LabExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The fault campaign, kept in the suite (`faults` tag, run by CI): applies killed, interrupted and
 * starved of disk mid-run. Each change is a new value of a managed env key on the app and worker
 * hosts, so every apply rewrites files and recreates containers — the window the faults hit.
 */
@Tag("faults")
class FaultCampaignLabTest {
    @RegisterExtension
    static LabExtension lab = new LabExtension();

    static final String WORKER = "ami-worker-2";
    static final String ENV = "~/ami-platform/.envs/.production/.django";
    static final ObjectMapper JSON = new ObjectMapper();

    static Path variant() {
        return lab.inventoryVariant("lab-faults.yml", yaml -> yaml
                .replace("  nats_url: nats://nats:4222\n", "  nats_url: nats://nats:4222\n  fault: \"0\"\n")
                .replace("      NATS_URL: ${var:nats_url}\n", "      NATS_URL: ${var:nats_url}\n      LAB_FAULT: ${var:fault}\n"));
    }

    static List<String> args(Path inventory, String... rest) {
        List<String> all = new ArrayList<>(List.of("-i", inventory.toString(), "--templates", Cli.templates()));
        all.addAll(List.of(lab.varArgs()));
        all.addAll(List.of(rest));
        return all;
    }

    static boolean locked(Path inventory) {
        return lab.infraOn(inventory, "lock", "status").out().startsWith("Locked");
    }

    /** An apply of {@code fault} started as its own process; returns once it holds the fleet lock. */
    static Process applyHoldingTheLock(Path inventory, int fault, Path log) throws Exception {
        Process p = Cli.spawn(log, args(inventory, "--var", "fault=" + fault, "apply", "--yes", "--no-color"));
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!locked(inventory)) {
            assertThat(p.isAlive()).as("apply ended before it took the lock:\n" + Files.readString(log)).isTrue();
            assertThat(System.nanoTime()).as("apply never took the lock").isLessThan(deadline);
            Thread.sleep(100);
        }
        return p;
    }

    /** The host's audit log, a JSON object per apply that changed it. */
    static List<JsonNode> audit(String host) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : lab.sh(host, "cat ~/.infra/audit.log 2>/dev/null || true").split("\n")) {
            if (!line.isBlank()) {
                out.add(JSON.readTree(line));
            }
        }
        return out;
    }

    static void signal(Process p, String signal) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + signal, String.valueOf(p.pid())).start().waitFor()).isZero();
    }

    static void convergesAfter(Path inventory, int fault) {
        Cli.Result apply = lab.infraOn(inventory, "--var", "fault=" + fault, "apply", "--yes", "--no-color");
        assertThat(apply.exitCode()).as(apply.all()).isZero();
        Cli.Result plan = lab.infraOn(inventory, "--var", "fault=" + fault, "plan", "--detailed-exitcode");
        assertThat(plan.exitCode()).as(plan.all()).isZero();
        assertThat(lab.sh(WORKER, "grep '^LAB_FAULT=' " + ENV).strip()).isEqualTo("LAB_FAULT=" + fault);
    }

    @Test
    void sigtermAndSigintMidApplyReleaseTheLock() throws Exception {
        lab.converge();
        Path inventory = variant();
        int released = 0;
        for (int i = 1; i <= 7; i++) {
            String signal = i % 2 == 0 ? "INT" : "TERM";
            Path log = lab.dir().resolve("signal-" + i + ".log");
            Process p = applyHoldingTheLock(inventory, 200 + i, log);
            Thread.sleep(ThreadLocalRandom.current().nextInt(0, 1500));
            signal(p, signal);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("apply did not stop on SIG" + signal).isTrue();
            if (!locked(inventory)) {
                released++;
            } else {
                System.out.println("SIG" + signal + " left the lock held:\n" + Files.readString(log));
                lab.infraOn(inventory, "lock", "release");
            }
        }
        assertThat(released).as("lock released after SIGTERM/SIGINT, of 7").isEqualTo(7);
        convergesAfter(inventory, 300);
    }

    @Test
    void killedAtTenRandomPointsNoFileIsEverPartialAndTheFleetConverges() throws Exception {
        lab.converge();
        Path inventory = variant();
        convergesAfter(inventory, 100);
        String before = lab.sh(WORKER, "cat " + ENV);
        List<String> seen = new ArrayList<>(List.of("100"));
        for (int i = 1; i <= 10; i++) {
            int fault = 100 + i;
            Path log = lab.dir().resolve("kill-" + i + ".log");
            Process p = applyHoldingTheLock(inventory, fault, log);
            Thread.sleep(ThreadLocalRandom.current().nextInt(0, 6000));
            p.destroyForcibly();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            seen.add(String.valueOf(fault));
            // The env file is the old one or the new one, whole: every other line kept, one LAB_FAULT line of a value applied.
            String now = lab.sh(WORKER, "cat " + ENV);
            assertThat(now.lines().filter(l -> l.startsWith("LAB_FAULT=")).toList()).as("kill %d", i).singleElement()
                    .satisfies(l -> assertThat(seen).contains(l.substring("LAB_FAULT=".length())));
            assertThat(now.replaceAll("(?m)^LAB_FAULT=.*$", "")).isEqualTo(before.replaceAll("(?m)^LAB_FAULT=.*$", ""));
            assertThat(lab.sh(WORKER, "find ~/ami-platform -name '.infra-write.*' | wc -l").strip()).as("no temporary file left").isEqualTo("0");
            // A killed run cannot release the lock: the operator does, as the message says.
            Cli.Result status = lab.infraOn(inventory, "lock", "status");
            if (status.out().startsWith("Locked")) {
                assertThat(lab.infraOn(inventory, "lock", "release").exitCode()).isZero();
            }
        }
        convergesAfter(inventory, 111);
    }

    @Test
    void aFullDiskOnTheWorkerStopsThatHostWithAPlainMessageAndLosesNothing() throws Exception {
        lab.converge();
        Path inventory = variant();
        convergesAfter(inventory, 400);
        String before = lab.sh(WORKER, "cat " + ENV);
        String dir = "/root/ami-platform/.envs/.production";
        // The env files' directory on a tmpfs with no room left.
        lab.sh(WORKER, "set -e; cp -a " + dir + " /tmp/envs-keep && mount -t tmpfs -o size=64k tmpfs " + dir
                + " && cp -a /tmp/envs-keep/. " + dir + "/ && (dd if=/dev/zero of=" + dir + "/.filler bs=4k 2>/dev/null || true)");
        try {
            Cli.Result apply = lab.infraOn(inventory, "--var", "fault=401", "apply", "--yes", "--no-color");
            assertThat(apply.exitCode()).as(apply.all()).isEqualTo(1);
            assertThat(apply.all()).contains("the disk holding").contains("is full").doesNotContain("Exception");
            assertThat(lab.sh(WORKER, "cat " + ENV)).as("the env file is untouched").isEqualTo(before);
            assertThat(lab.sh(WORKER, "ls -A " + dir)).doesNotContain(".infra-write");
            assertThat(lab.sh(WORKER, "find " + dir + " -name '*.infra-bak' -size 0")).as("no truncated backup").isBlank();
        } finally {
            lab.sh(WORKER, "umount " + dir + "; rm -rf /tmp/envs-keep");
        }
        convergesAfter(inventory, 401);
    }

    @Test
    void twoAppliesAtOnceNeverRunTogether() throws Exception {
        lab.converge();
        Path inventory = variant();
        convergesAfter(inventory, 500);
        long auditBefore = audit(WORKER).size();
        Path logA = lab.dir().resolve("concurrent-a.log");
        Path logB = lab.dir().resolve("concurrent-b.log");
        Process a = Cli.spawn(logA, args(inventory, "--var", "fault=501", "apply", "--yes", "--no-color", "--lock-wait", "0s"));
        Process b = Cli.spawn(logB, args(inventory, "--var", "fault=502", "apply", "--yes", "--no-color", "--lock-wait", "0s"));
        assertThat(a.waitFor(180, TimeUnit.SECONDS) && b.waitFor(180, TimeUnit.SECONDS)).isTrue();
        String outA = Files.readString(logA);
        String outB = Files.readString(logB);
        // Either one waited its turn and was refused naming the holder, or they ran one after the other: never both inside.
        if (a.exitValue() != 0 || b.exitValue() != 0) {
            assertThat(a.exitValue() + b.exitValue()).as(outA + "\n----\n" + outB).isEqualTo(1);
            assertThat(a.exitValue() == 0 ? outB : outA).contains("lock");
        }
        // What each run did on the worker, from its audit lines: [end - duration, end] of one never overlaps the other's.
        List<long[]> spans = audit(WORKER).stream().skip(auditBefore).map(l -> {
            long end = Instant.parse(l.path("time").asText()).toEpochMilli();
            return new long[] {end - l.path("duration_ms").asLong(), end};
        }).toList();
        assertThat(spans).as("one audit line per run that changed the worker").hasSizeBetween(1, 2);
        if (spans.size() == 2) {
            assertThat(spans.get(0)[1] <= spans.get(1)[0] || spans.get(1)[1] <= spans.get(0)[0])
                    .as("the two runs' work on the worker overlapped: %s-%s and %s-%s", spans.get(0)[0], spans.get(0)[1], spans.get(1)[0],
                            spans.get(1)[1]).isTrue();
        }
        assertThat(lab.infraOn(inventory, "lock", "status").out()).startsWith("Not locked");
        convergesAfter(inventory, 503);
    }

    @Test
    void verifyThroughHashedKnownHostsNeverFlakes() {
        lab.converge();
        int failures = 0;
        StringBuilder seen = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            Cli.Result r = lab.infra("verify", "--parallel", "10", "--format", "json");
            String text = r.all();
            if (text.contains("cannot connect") || text.contains("MAC") || text.contains("Not connected") || text.contains("not in known_hosts")
                    || r.exitCode() == 3) {
                failures++;
                seen.append(text).append('\n');
            }
        }
        assertThat(failures).as("verify runs with a transport failure, of 20 (known_hosts is hashed):\n" + seen).isZero();
    }

    @Test
    void aHostThatHangsIsNeverSilent() throws Exception {
        lab.converge();
        Path inventory = variant();
        convergesAfter(inventory, 600);
        // The worker's compose hangs 35 s on `up` (a frozen disk, a stuck daemon): apply says it is still waiting.
        String real = lab.sh(WORKER, "command -v docker-compose").strip();
        lab.sh(WORKER, "mv " + real + " " + real + ".real && printf '#!/bin/sh\\ncase \" $* \" in *\" up \"*) sleep 35;; esac\\nexec "
                + real + ".real \"$@\"\\n' > " + real + " && chmod +x " + real);
        try {
            Cli.Result apply = lab.infraOn(inventory, "--var", "fault=601", "apply", "--yes", "--no-color");
            assertThat(apply.exitCode()).as(apply.all()).isZero();
            assertThat(apply.out()).containsPattern(WORKER + ": still waiting \\(1[56] s\\): recreate")
                    .containsPattern(WORKER + ": still waiting \\(3[0-2] s\\): recreate");
        } finally {
            lab.sh(WORKER, "mv -f " + real + ".real " + real);
        }
        convergesAfter(inventory, 602);
    }

    @Test
    void noSecretReachesAnyOutputOrRecord() throws Exception {
        lab.converge();
        // Three kinds of secret: one the inventory references, and two the host's own env file holds (not infra's to show).
        String inventorySecret = "canary-inv-7f3a9c";
        String hostPassword = "canary-host-91b2e";
        String urlPassword = "canary-url-55d1f";
        Files.writeString(lab.dir().resolve("api-token"), inventorySecret + "\n");
        Path inventory = lab.inventoryVariant("lab-secrets.yml", yaml -> yaml
                .replace("  nats_url: nats://nats:4222\n", "  nats_url: nats://nats:4222\n  fault: \"0\"\n")
                .replace("      NATS_URL: ${var:nats_url}\n", "      NATS_URL: ${var:nats_url}\n      LAB_FAULT: ${var:fault}\n"
                        + "      API_TOKEN: ${file:api-token}\n"));
        lab.sh(WORKER, "printf 'POSTGRES_PASSWORD=" + hostPassword + "\\nDATABASE_URL=postgres://antenna:" + urlPassword
                + "@db/antenna\\n' >> " + ENV);
        List<String> outputs = new ArrayList<>();
        Path saved = lab.dir().resolve("secrets.plan");
        for (String[] args : new String[][] {{"plan", "--no-color"}, {"plan", "--json"}, {"plan", "--out", saved.toString()},
                {"drift", "--no-color"}, {"drift", "--json"}}) {
            List<String> all = new ArrayList<>(List.of("--var", "fault=700"));
            all.addAll(List.of(args));
            Cli.Result r = lab.infraOn(inventory, all.toArray(String[]::new));
            outputs.add(String.join(" ", args) + ":\n" + r.all());
        }
        outputs.add("saved plan:\n" + Files.readString(saved));
        Cli.Result apply = lab.infraOn(inventory, "--var", "fault=700", "apply", "--yes", "--no-color");
        assertThat(apply.exitCode()).as(apply.all()).isZero();
        outputs.add("apply:\n" + apply.all());
        assertThat(lab.sh(WORKER, "grep -c '^API_TOKEN=" + inventorySecret + "$' " + ENV).strip()).as("the secret reached the host").isEqualTo("1");
        for (String[] args : new String[][] {{"drift", "--json"}, {"verify", "--format", "json"}, {"verify"}, {"lock", "status"}}) {
            List<String> all = new ArrayList<>(List.of("--var", "fault=700"));
            all.addAll(List.of(args));
            outputs.add(String.join(" ", args) + ":\n" + lab.infraOn(inventory, all.toArray(String[]::new)).all());
        }
        for (String host : List.of("ami-cc", "ami-redis-1", "ami-live", WORKER)) {
            outputs.add(host + " audit log:\n" + lab.sh(host, "cat ~/.infra/audit.log 2>/dev/null || true"));
        }
        for (String out : outputs) {
            assertThat(out).doesNotContain(inventorySecret).doesNotContain(hostPassword).doesNotContain(urlPassword);
        }
        assertThat(String.join("\n", outputs)).as("the plan did show the managed secret, masked").contains("API_TOKEN");
        lab.sh(WORKER, "sed -i '/^POSTGRES_PASSWORD=/d; /^DATABASE_URL=postgres:\\/\\/antenna:/d' " + ENV);
    }
}
