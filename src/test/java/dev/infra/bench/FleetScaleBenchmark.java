package dev.infra.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infra.bench.Runs.Run;
import dev.infra.fleet.Fleet;
import dev.infra.lab.LabDocker;
import dev.infra.lab.LabPlan;
import dev.infra.observe.Observer;
import dev.infra.ssh.SshAlgorithms;
import dev.infra.testing.Cli;
import dev.infra.testing.LabExtension;
import dev.infra.testing.LocalSh;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The fleet at scale: N worker hosts (each with sshd and its own Docker engine, one worker container)
 * and a NATS host behind a STOCK OpenSSH bastion (MaxStartups 10:30:100, MaxSessions 10), all on one
 * Docker network. In one run and on the same hosts, for each N it times, as separate processes from a
 * cold start and through the `./infra` launcher a user runs:
 * <ul>
 *   <li>on the converged fleet: `infra verify`, a no-op `infra apply --yes`;</li>
 *   <li>with the job-2226 change on every one of the N hosts (NATS_URL gone from the env file, the
 *       compose file edited by hand): `infra plan`, `infra drift`, Ansible 2.14's `--check --diff` of
 *       the equivalent playbook (forks = N), and the OpenSSH floor: a multiplexed bastion connection
 *       and N parallel `ssh HOST cat COMPOSE ENV`, and the same connections running the host's self-contained read
 *       (the engine by curl); infra's plan and verify also riding the bastion's OpenSSH master, as the floor and
 *       Ansible do.</li>
 * </ul>
 * Each N is timed on a fleet of N: the other workers are paused meanwhile ({@link #fleetOf}).
 * infra runs with `--parallel N` (its default, 10, below that). Prints (and writes to target/benchmark/fleet-scale.txt) a table of
 * medians, ratios and peak RSS. Asserts only that every run reached every host. Run with `bench/scale`.
 */
@Tag("benchmark")
class FleetScaleBenchmark {
    static final List<Integer> SIZES = Arrays.stream(System.getProperty("bench.sizes", "1,5,20,50").split(","))
            .map(String::strip).map(Integer::valueOf).sorted().toList();
    static final int MAX = SIZES.get(SIZES.size() - 1);
    static final int RUNS = Integer.getInteger("bench.runs", 5);
    /** Consecutive plan runs at the largest N that must each reach every host. */
    static final int REACH_RUNS = Integer.getInteger("bench.reach_runs", 10);
    static final Path WORK = Cli.repo().resolve("target/bench-scale");
    /** -Dbench.variants=false: no JVM-option and cipher variants (a quicker run). */
    static final boolean VARIANTS_WANTED = Boolean.parseBoolean(System.getProperty("bench.variants", "true"));
    static final String PLAN_MASTER = "infra plan, bastion master";
    /** OpenSSH running the host's self-contained read (files, compose flavour, its engine read by curl): what infra did before it read engines through the connection. */
    static final String FLOOR_READ = "openssh, curl read";
    static final String VERIFY_MASTER = "infra verify, bastion master";
    /** The scale inventory's ssh_config, switched to the one with the bastion's ControlPath (muxConfig). */
    static final String MUX_VAR = "ssh_config=ssh_config.mux";
    static final String ENV = "~/ami-platform/.envs/.production/.django";
    static final String COMPOSE = "~/ami-platform/docker-compose.worker.yml";
    static final Pattern UNREACHED = Pattern.compile("(?i)cannot connect|no SSH answer|connection reset|kex_exchange|"
            + "could not be checked|UNREACHABLE!|unreachable=[1-9]|Connection closed");

    static {
        try {
            Files.createDirectories(WORK);
            for (int n : SIZES) {
                Files.createDirectories(inventory(n).getParent());
                Files.writeString(inventory(n), inventoryText(n));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @RegisterExtension
    static LabExtension lab = new LabExtension(inventory(MAX).toString());

    record Row(int n, Map<String, List<Run>> runs) {
        long median(String what) {
            return Runs.medianMillis(runs.get(what));
        }

        long peakRss() {
            return runs.entrySet().stream().filter(e -> e.getKey().startsWith("infra"))
                    .flatMap(e -> e.getValue().stream()).mapToLong(Run::rssKib).max().orElse(0);
        }
    }

    /**
     * Untimed set-up, 10 hosts at a time: 50 docker-compose runs at once overload 2 cores. Right after the
     * lab starts, its 50 engines are still busy starting (load ~80 here) and the first batch's compose
     * may time out (COMPOSE_HTTP_TIMEOUT); apply picks up from what the hosts have, so it runs again.
     */
    static void converge(Path inventory) {
        Cli.Result r = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            r = lab.infraOn(inventory, "apply", "--yes", "--parallel", "10");
            if (r.exitCode() == 0) {
                return;
            }
        }
        assertThat(r.exitCode()).as(r.all()).isZero();
    }

    @Test
    void fleetAtScale() throws Exception {
        stockBastion();
        String bastion = "ami-cc";
        converge(inventory(MAX));

        Path mux = muxConfig();
        LocalSh.Result master = LocalSh.run("ssh -F " + mux + " " + bastion + " true");  // the floor's master connection, kept open
        assertThat(master.exitCode()).as(master.output()).isZero();
        Path rendered = Runs.render(lab, inventory(MAX), WORK.resolve("rendered-1"));
        Path read = WORK.resolve("read.sh");
        try (Fleet f = lab.fleet()) {
            Files.writeString(read, Observer.command(f.desired(workers(1).get(0))).script());  // every worker's read is alike
        }

        List<Row> rows = new ArrayList<>();
        List<Run> version = new ArrayList<>();
        try {
            fleetOf(0);
            for (int i = 0; i < RUNS + 1; i++) {
                version.add(infra(List.of("--version")));
            }
            for (int n : SIZES) {
                fleetOf(n);
                Map<String, List<Run>> runs = new LinkedHashMap<>();
                // infra's default is 10 hosts at a time; above that, N (as Ansible's forks).
                String parallel = String.valueOf(Math.max(n, 10));
                List<String> base = List.of("-i", inventory(n).toString(), "--templates", Cli.templates());
                String hosts = String.join(" ", workers(n));

                // The converged fleet: verify and a no-op apply.
                runs.put("infra verify", repeat(RUNS, () -> infra(args(base, "verify", "--parallel", parallel)), 0));
                runs.put("infra apply (no-op)", repeat(RUNS, () -> infra(args(base, "apply", "--yes", "--parallel", parallel)), 0));
                // The same, riding the bastion's OpenSSH master (the one the floor and Ansible use) instead of logging in to it.
                runs.put(VERIFY_MASTER, repeat(RUNS, () -> infra(args(base, "verify", "--parallel", parallel, "--var", MUX_VAR)), 0));

                // The change on every one of the N hosts.
                change(n, "cp -p " + ENV + " /tmp/bench.env && cp -p " + COMPOSE + " /tmp/bench.compose"
                        + " && sed -i '/^NATS_URL=/d' " + ENV + " && echo '# edited by hand' >> " + COMPOSE);
                int planRuns = n == MAX ? Math.max(RUNS, REACH_RUNS) : RUNS;
                runs.put("infra plan", repeat(planRuns, () -> infra(args(base, "plan", "--detailed-exitcode", "--parallel", parallel)), 2));
                runs.put(PLAN_MASTER, repeat(planRuns, () -> infra(args(base, "plan", "--detailed-exitcode", "--parallel", parallel, "--var", MUX_VAR)), 2));
                if (VARIANTS_WANTED && (n == SIZES.get(0) || n == MAX)) {
                    jvmVariants(n, args(base, "plan", "--detailed-exitcode", "--parallel", parallel));
                }
                runs.put("infra drift", repeat(RUNS, () -> infra(args(base, "drift", "--parallel", parallel)), 2));
                Path ansibleInventory = ansibleInventory(n, mux, rendered);
                Path playbook = playbook();
                runs.put("ansible --check --diff", repeat(RUNS, () -> run(List.of("ansible-playbook", "-i", ansibleInventory.toString(),
                        playbook.toString(), "--check", "--diff", "-f", parallel)), 0));
                runs.put("openssh floor", repeat(RUNS, () -> run(List.of("bash", "-c", "for h in " + hosts + "; do ssh -F " + mux
                        + " $h cat /root/ami-platform/docker-compose.worker.yml /root/ami-platform/.envs/.production/.django >/dev/null || echo \"$h: failed\" & done; wait")), 0));
                // The same OpenSSH connections running the host's self-contained read (files, compose flavour, the engine by curl).
                runs.put(FLOOR_READ, repeat(RUNS, () -> run(List.of("bash", "-c", "for h in " + hosts + "; do ssh -F " + mux
                        + " $h sh -s < " + read + " >/dev/null || echo \"$h: failed\" & done; wait")), 0));
                change(n, "mv /tmp/bench.env " + ENV + " && mv /tmp/bench.compose " + COMPOSE);
                rows.add(new Row(n, runs));
                for (Map.Entry<String, List<Run>> e : runs.entrySet()) {
                    for (Run r : e.getValue()) {
                        assertThat(r.out()).as(e.getKey() + " at N=" + n + " reached every host").doesNotContainPattern(UNREACHED);
                    }
                }
                assertThat(runs.get("openssh floor").stream().map(Run::out)).allMatch(o -> !o.contains("failed"));
            }
        } finally {
            fleetOf(MAX);  // every worker runs again, whatever failed
        }
        String report = report(rows, version) + variantReport();
        System.out.print(report);
        Path out = Cli.repo().resolve("target/benchmark/fleet-scale.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
    }

    static final int APPLY_HOSTS = Integer.getInteger("bench.apply_hosts", Math.min(20, MAX));
    static final int APPLY_RUNS = Integer.getInteger("bench.apply_runs", 3);

    /**
     * A change that recreates one service on each of {@code APPLY_HOSTS} workers, rolled in batches of
     * 25 %: `infra apply --batch 25%` (health-gated) against Ansible's `serial: 25%` play that copies the
     * compose file, runs `docker-compose up -d` and waits for the container to run. Alternating runs,
     * each a new value, so every run recreates on every host.
     */
    @Test
    void applyAtScale() throws Exception {
        Path inventory = inventory(APPLY_HOSTS);
        Files.createDirectories(inventory.getParent());
        Files.writeString(inventory, inventoryText(APPLY_HOSTS));
        // Untimed set-up (see converge).
        converge(inventory);
        Path mux = muxConfig();
        Path playbook = WORK.resolve("rollout.yml");
        Files.writeString(playbook, """
                # The same change as `infra apply --batch 25%`, as an Ansible user would roll it.
                - hosts: worker
                  serial: "25%"
                  gather_facts: false
                  tasks:
                    - name: the worker compose file
                      copy: {src: "{{ rendered }}/{{ inventory_hostname }}/home/ami-platform/docker-compose.worker.yml", dest: /root/ami-platform/docker-compose.worker.yml}
                      register: compose
                    - name: recreate what changed
                      shell: cd /root/ami-platform && docker-compose -p ami-platform -f docker-compose.worker.yml up -d
                      when: compose.changed
                    - name: wait until celeryworker runs
                      shell: docker ps -q --filter label=com.docker.compose.project=ami-platform --filter label=com.docker.compose.service=celeryworker --filter status=running | wc -l
                      register: running
                      until: running.stdout | int >= 1
                      retries: 60
                      delay: 1
                      changed_when: false
                """);
        List<Long> infraMs = new ArrayList<>();
        List<Long> ansibleMs = new ArrayList<>();
        int rev = 1;
        for (int i = 0; i < APPLY_RUNS; i++) {
            rev++;
            Run infra = infra(args(List.of("-i", inventory.toString(), "--templates", Cli.templates()),
                    "--var", "bench_rev=" + rev, "apply", "--yes", "--batch", "25%", "--parallel", String.valueOf(APPLY_HOSTS)));
            assertThat(infra.exit()).as(infra.out()).isZero();
            assertThat(infra.out()).contains("recreate");
            infraMs.add(infra.millis());
            System.out.printf("apply at scale, run %d: infra %d ms%n", i + 1, infra.millis());
            rev++;
            Path rendered = Runs.render(lab, inventory, WORK.resolve("rendered-" + rev), "bench_rev=" + rev);
            Path hosts = ansibleInventory(APPLY_HOSTS, mux, rendered);
            Run ansible = run(List.of("ansible-playbook", "-i", hosts.toString(), playbook.toString(), "-f", String.valueOf(APPLY_HOSTS)));
            assertThat(ansible.exit()).as(ansible.out()).isZero();
            assertThat(ansible.out()).containsPattern("w01\\s+: ok=\\d+\\s+changed=2");
            ansibleMs.add(ansible.millis());
            System.out.printf("apply at scale, run %d: ansible %d ms%n", i + 1, ansible.millis());
        }
        // Back to the inventory's own value for whatever runs next, in batches: 20 compose recreates at
        // once overload 2 cores (compose's HTTP timeout, seen).
        Cli.Result back = lab.infraOn(inventory, "apply", "--yes", "--batch", "25%", "--parallel", String.valueOf(APPLY_HOSTS));
        assertThat(back.exitCode()).as(back.all()).isZero();
        long infraMedian = Runs.median(infraMs);
        long ansibleMedian = Runs.median(ansibleMs);
        String report = String.format(Locale.ROOT, "Apply at scale: one service recreated on each of %d workers, batches of 25%%, %d runs each%n"
                        + "  infra apply --batch 25%%:    median %6d ms  %s%n"
                        + "  ansible serial: 25%%:        median %6d ms  %s%n"
                        + "  ratio (ansible / infra): %.2f%n",
                APPLY_HOSTS, APPLY_RUNS, infraMedian, infraMs, ansibleMedian, ansibleMs, ratio(ansibleMedian, infraMedian));
        System.out.print(report);
        Path out = Cli.repo().resolve("target/benchmark/apply-at-scale.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
    }

    static final Set<String> PAUSED = new HashSet<>();

    /**
     * Only the first {@code n} workers run; the others are paused (frozen: their engines, sshd and
     * stand-in workers take no CPU). Measured here: the 50 idle workers' own engines and workers take
     * about one of the two cores, which every timing at a smaller N would otherwise pay (the N=1 plan
     * 0.65 s on a lab of 4 hosts, 1.2 s beside 50 idle ones). Each N is measured on a fleet of N.
     */
    static void fleetOf(int n) {
        List<String> all = workers(MAX);
        for (int i = 0; i < all.size(); i++) {
            String container = lab.labHost(all.get(i)).container();
            if (i < n && PAUSED.remove(container)) {
                lab.docker().unpauseContainerCmd(container).exec();
            } else if (i >= n && PAUSED.add(container)) {
                lab.docker().pauseContainerCmd(container).exec();
            }
        }
    }

    /** plan at N under each JVM option set (java -jar, no launcher) and, at the largest N, each cipher order. */
    static final Map<String, Long> VARIANTS = new LinkedHashMap<>();

    static void jvmVariants(int n, List<String> planArgs) throws Exception {
        String jsa = Cli.repo().resolve("target/infra.jsa").toString();
        Map<String, List<String>> variants = new LinkedHashMap<>();
        // -Dbench.baseline_jar=FILE: an earlier build of infra.jar (say, the previous commit's) under JDK defaults.
        String baseline = System.getProperty("bench.baseline_jar", "");
        if (!baseline.isEmpty()) {
            variants.put("baseline jar, JDK defaults", List.of("-Dbench.jar=" + baseline));
        }
        variants.put("JDK defaults", List.of());
        variants.put("CDS archive", List.of("-XX:SharedArchiveFile=" + jsa));
        variants.put("CDS + SerialGC", List.of("-XX:SharedArchiveFile=" + jsa, "-XX:+UseSerialGC"));
        variants.put("CDS + C1 only", List.of("-XX:SharedArchiveFile=" + jsa, "-XX:TieredStopAtLevel=1"));
        variants.put("CDS + C1 only + SerialGC", List.of("-XX:SharedArchiveFile=" + jsa, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        for (Map.Entry<String, List<String>> v : variants.entrySet()) {
            List<String> cmd = new ArrayList<>(List.of("/usr/bin/time", "-f", "@@RSS %M", "java"));
            String jar = Cli.repo().resolve("target/infra.jar").toString();
            for (String o : v.getValue()) {
                if (o.startsWith("-Dbench.jar=")) {
                    jar = o.substring("-Dbench.jar=".length());
                } else {
                    cmd.add(o);
                }
            }
            cmd.addAll(List.of("-jar", jar));
            cmd.addAll(planArgs);
            List<Run> runs = repeat(RUNS, () -> run(cmd), 2);
            VARIANTS.put(String.format(Locale.ROOT, "N=%-3d %-28s", n, v.getKey()), Runs.medianMillis(runs));
            VARIANTS.put(String.format(Locale.ROOT, "N=%-3d %-28s peak RSS MiB", n, v.getKey()),
                    runs.stream().mapToLong(Run::rssKib).max().orElse(0) / 1024);
        }
        if (n == MAX) {
            for (String cipher : List.of("aes128-gcm@openssh.com", "chacha20-poly1305@openssh.com", "aes128-ctr")) {
                List<Run> runs = repeat(RUNS, () -> infraWith("-D" + SshAlgorithms.CIPHERS_PROPERTY + "=" + cipher, planArgs), 2);
                VARIANTS.put(String.format(Locale.ROOT, "N=%-3d cipher %-21s", n, cipher), Runs.medianMillis(runs));
            }
        }
    }

    static String variantReport() {
        StringBuilder b = new StringBuilder("infra plan (the change present) by JVM options and SSH cipher, median ms:\n");
        VARIANTS.forEach((k, v) -> b.append("  ").append(k).append(' ').append(v).append('\n'));
        return b.toString();
    }

    // ---- the scale lab ----------------------------------------------------------------------------

    /** One file name for every N: the managed header of each rendered file names the inventory file. */
    static Path inventory(int n) {
        return WORK.resolve("n" + n).resolve("scale.yml");
    }

    static List<String> workers(int n) {
        return IntStream.rangeClosed(1, n).mapToObj(i -> String.format(Locale.ROOT, "w%02d", i)).toList();
    }

    /** lab.yml's fleet with {@code n} worker hosts and no app host; the same hosts for every n. */
    static String inventoryText(int n) {
        StringBuilder hosts = new StringBuilder();
        for (String w : workers(n)) {
            hosts.append("  ").append(w).append(":\n    address: ").append(w).append("\n    roles: [worker]\n");
        }
        return """
                # The scale lab of FleetScaleBenchmark: a stock bastion, one NATS host, %d worker hosts.
                variables:
                  lab_dir: .lab
                  bastion_port: "2222"
                  nats_ip: 172.29.77.10
                  nats_url: nats://nats:4222
                  worker_image: infra-lab/worker:latest
                  bench_rev: "1"                      # the apply-at-scale change: a new value recreates celeryworker
                  ssh_config: ssh_config              # ssh_config.mux: the bastion's OpenSSH master, which infra then rides
                ssh:
                  user: root
                  identity_file: ${var:lab_dir}/id_ed25519
                  known_hosts: ${var:lab_dir}/known_hosts
                  config: ${var:lab_dir}/${var:ssh_config}
                  via: ami-cc
                  connect_timeout: 5s
                hosts:
                  ami-cc:
                    address: 127.0.0.1
                    roles: [bastion]
                    ssh:
                      port: ${var:bastion_port}
                  scale-nats:
                    address: scale-nats
                    private_address: ${var:nats_ip}
                    roles: [nats]
                %snats:
                  image: infra-lab/nats:2.9
                  deploy_dir: ~/nats
                  jetstream:
                    store_dir: /data/jetstream
                    volume: nats-data
                    max_memory_store: 256MiB
                    max_file_store: 1GiB
                jetstream_policy:
                  max_deliver: 2
                  ack_wait: 5m
                  max_age: 24h
                  max_ack_pending: 1000
                deployments:
                  worker:
                    deploy_dir: ~/ami-platform
                    compose_file: docker-compose.worker.yml
                    image: ${var:worker_image}
                    env_file: .envs/.production/.django
                    managed_env:
                      NATS_URL: ${var:nats_url}
                    services:
                      celeryworker:
                        environment:
                          BENCH_REV: "${var:bench_rev}"
                """.formatted(n, hosts);
    }

    /** The lab's bastion with OpenSSH's own limits: its MaxStartups/MaxSessions lines removed, sshd reloaded. */
    static void stockBastion() {
        LabPlan.LabHost bastion = lab.labHost("ami-cc");
        LabDocker.ExecResult r = LabDocker.exec(lab.docker(), bastion.container(), Duration.ofSeconds(20), "sh", "-c",
                "sed -i '/^MaxStartups/d;/^MaxSessions/d' /etc/ssh/sshd_config.d/lab.conf && kill -HUP 1 && sleep 1"
                        + " && sshd -T | grep -i -E '^(maxstartups|maxsessions) '");
        assertThat(r.output()).as("the bastion runs with OpenSSH's defaults").contains("maxstartups 10:30:100").contains("maxsessions 10");
    }

    /** The lab's ssh_config with a ControlMaster on the bastion: what the OpenSSH floor and Ansible use. */
    static Path muxConfig() throws IOException {
        Path mux = lab.dir().resolve("ssh_config.mux");
        // Also by its address: infra looks a jump host up in ssh_config by the address it connects to, as ssh would.
        Files.writeString(mux, "Host ami-cc 127.0.0.1\n  ControlMaster auto\n  ControlPath " + lab.dir() + "/cm-%C\n  ControlPersist 600\n"
                + Files.readString(lab.lab().ssh().config()));
        return mux;
    }

    static Path ansibleInventory(int n, Path mux, Path rendered) throws IOException {
        Path file = WORK.resolve("hosts-" + n + "-" + rendered.getFileName() + ".ini");
        Files.writeString(file, "[worker]\n" + String.join("\n", workers(n)) + "\n"
                + "[all:vars]\nansible_user=root\nansible_python_interpreter=/usr/bin/python3\n"
                + "ansible_ssh_common_args=-F " + mux + "\nrendered=" + rendered + "\n");
        return file;
    }

    static Path playbook() throws IOException {
        Path file = WORK.resolve("converge.yml");
        Files.writeString(file, """
                # What `infra plan` checks on a worker, as an Ansible user would write it.
                - hosts: worker
                  gather_facts: false
                  tasks:
                    - name: the worker compose file
                      copy: {src: "{{ rendered }}/{{ inventory_hostname }}/home/ami-platform/docker-compose.worker.yml", dest: /root/ami-platform/docker-compose.worker.yml}
                    - name: NATS_URL in the env file, every other line kept
                      lineinfile: {path: /root/ami-platform/.envs/.production/.django, regexp: "^NATS_URL=", line: "NATS_URL=nats://nats:4222", create: true}
                    - name: the containers' live environment
                      shell: docker ps -q --filter label=com.docker.compose.project=ami-platform | xargs -r docker inspect --format '{{ '{{' }}.Name{{ '}}' }} {{ '{{' }}.Config.Env{{ '}}' }}'
                      check_mode: false
                      changed_when: false
                """);
        return file;
    }

    /** {@code command} on the first {@code n} workers, through infra exec. */
    static void change(int n, String command) {
        Cli.Result r = lab.infraOn(inventory(n), "exec", "--parallel", String.valueOf(n), "--limit", "worker", "--", command);
        assertThat(r.exitCode()).as(r.all()).isZero();
    }

    // ---- runs -----------------------------------------------------------------------------------

    interface Step {
        Run run() throws Exception;
    }

    /** One warm-up (page cache, ControlMaster), then {@code runs} timed runs, each with the expected exit code. */
    static List<Run> repeat(int runs, Step step, int exit) throws Exception {
        Run warm = step.run();
        assertThat(warm.exit()).as(warm.out()).isEqualTo(exit);
        List<Run> all = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            Run r = step.run();
            assertThat(r.exit()).as(r.out()).isEqualTo(exit);
            all.add(r);
        }
        return all;
    }

    static List<String> args(List<String> base, String... more) {
        List<String> all = new ArrayList<>(base);
        all.addAll(List.of(lab.varArgs()));
        all.addAll(List.of(more));
        return all;
    }

    /** `./infra ARGS` as a user runs it (the launcher, its JVM options), with its peak RSS. */
    static Run infra(List<String> args) throws IOException, InterruptedException {
        return infraWith("", args);
    }

    /** The same with INFRA_JAVA_OPTS. */
    static Run infraWith(String javaOpts, List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("env", "INFRA_JAVA_OPTS=" + javaOpts, "/usr/bin/time", "-f", "@@RSS %M",
                Cli.repo().resolve("infra").toString()));
        cmd.addAll(args);
        return run(cmd);
    }

    static Run run(List<String> command) throws IOException, InterruptedException {
        return Runs.run(command, WORK);
    }


    // ---- the report -----------------------------------------------------------------------------

    static String report(List<Row> rows, List<Run> version) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "Fleet at scale: N workers behind a stock OpenSSH bastion, %d runs each after a warm-up "
                + "(median ms); infra with --parallel max(N, 10), Ansible with forks = N, %d cores%n", RUNS, Runtime.getRuntime().availableProcessors()));
        List<String> columns = List.copyOf(rows.get(0).runs().keySet());
        b.append(String.format(Locale.ROOT, "%4s", "N"));
        columns.forEach(c -> b.append(String.format(Locale.ROOT, " | %22s", c)));
        b.append(" | plan/floor | master plan/floor | master plan/(openssh, curl read) | ansible/plan | apply/plan | peak RSS MiB\n");
        for (Row r : rows) {
            b.append(String.format(Locale.ROOT, "%4d", r.n()));
            columns.forEach(c -> b.append(String.format(Locale.ROOT, " | %22d", r.median(c))));
            b.append(String.format(Locale.ROOT, " | %10.2f | %17.2f | %36.2f | %12.2f | %10.2f | %12d%n",
                    ratio(r.median("infra plan"), r.median("openssh floor")),
                    ratio(r.median(PLAN_MASTER), r.median("openssh floor")),
                    ratio(r.median(PLAN_MASTER), r.median(FLOOR_READ)),
                    ratio(r.median("ansible --check --diff"), r.median("infra plan")),
                    ratio(r.median("infra apply (no-op)"), r.median("infra plan")),
                    r.peakRss() / 1024));
        }
        List<Long> v = version.stream().skip(1).map(Run::millis).sorted().toList();
        b.append(String.format(Locale.ROOT, "infra --version: median %d ms%n", v.get(v.size() / 2)));
        Row small = rows.stream().filter(r -> r.n() == 5).findFirst().orElse(null);
        Row large = rows.get(rows.size() - 1);
        if (small != null && large != small) {
            for (String c : List.of("infra plan", "infra verify", PLAN_MASTER, VERIFY_MASTER)) {
                b.append(String.format(Locale.ROOT, "%s: wall(%d)/wall(%d) = %.2f%n", c, large.n(), small.n(),
                        ratio(large.median(c), small.median(c))));
            }
        }
        b.append(String.format(Locale.ROOT, "reach: %d consecutive `infra plan --parallel %d` runs at N=%d, every host reached in each%n",
                large.runs().get("infra plan").size(), large.n(), large.n()));
        for (Row r : rows) {
            r.runs().forEach((c, runs) -> b.append(String.format(Locale.ROOT, "  N=%d %s: %s%n", r.n(), c,
                    runs.stream().map(Run::millis).toList())));
        }
        return b.toString();
    }

    static double ratio(long a, long b) {
        return b == 0 ? 0 : (double) a / b;
    }
}
