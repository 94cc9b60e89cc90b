package dev.infra.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.infra.testing.Cli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The table of inventories a user can get wrong. Each must exit 1 with a message that names
 * file:line:column (the exact position of the mistake) and never shows a stack trace.
 */
class BadInventoryTest {

    /** A small valid fleet; every case below changes one thing in it. */
    static final String VALID = """
            variables:
              nats_ip: 10.0.0.5
            ssh:
              user: root
              via: bastion
            hosts:
              bastion:
                address: 127.0.0.1
                roles: [bastion]
              nats-1:
                address: ${var:nats_ip}
                roles: [nats]
              worker-1:
                address: 10.0.0.7
                roles: [worker]
            nats:
              jetstream:
                store_dir: /data/jetstream
                volume: nats-data
                max_memory_store: 512MiB
                max_file_store: 1G
              logging:
                debug: false
            jetstream_policy:
              max_deliver: 2
              ack_wait: 5m
            deployments:
              worker:
                deploy_dir: ~/ami-platform
                compose_file: docker-compose.worker.yml
                image: worker:latest
                env_file: .envs/.production/.django
                managed_env:
                  NATS_URL: nats://nats:4222
                services:
                  celeryworker: {}
            """;

    static final String BOMB = """
            a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
            b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
            c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
            d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
            e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
            f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
            g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
            h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
            i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
            """;

    /** A smaller bomb that stays under the composer's alias limit but expands past our node cap. */
    static final String WIDE_BOMB = """
            a: &a [x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x]
            b: &b [*a,*a,*a,*a,*a]
            c: &c [*b,*b,*b,*b,*b]
            d: &d [*c,*c,*c,*c,*c]
            e: &e [*d,*d,*d,*d,*d]
            f: [*e,*e]
            """;

    record Case(String name, String yaml, String at, String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case replace(String name, String from, String to, String marker, String message) {
        if (!VALID.contains(from)) {
            throw new IllegalArgumentException("case " + name + ": '" + from + "' not in VALID");
        }
        String yaml = VALID.replace(from, to);
        return new Case(name, yaml, position(yaml, marker), message);
    }

    /** worker-1 as a SLURM login host with one worker group {@code group} (a line under workers:). */
    static Case slurmCase(String name, String group, String marker, String message) {
        String yaml = VALID.replace("    roles: [worker]\n", "    roles: [worker, slurm]\n").replace("jetstream_policy:",
                "slurm:\n  worker-1:\n    account: def-lab\n    workers:\n" + group + "\njetstream_policy:");
        return new Case(name, yaml, position(yaml, marker), message);
    }

    /** Four NATS hosts: the error points at the fourth one's roles. */
    static Case fourNatsHosts() {
        String yaml = VALID.replace("    roles: [worker]", "    roles: [worker]\n  nats-2:\n    address: 10.0.0.8\n    roles: [nats]\n  nats-3:\n"
                + "    address: 10.0.0.9\n    roles: [nats]\n  nats-4:\n    address: 10.0.0.10\n    roles: [nats]");
        String last = yaml.substring(0, yaml.lastIndexOf("[nats]"));
        String at = (1 + last.chars().filter(c -> c == '\n').count()) + ":" + (last.length() - last.lastIndexOf('\n'));
        return new Case("four NATS hosts", yaml, at, "JetStream needs one server or a cluster of 3 or 5");
    }

    /** The one worker service given a compose setting. */
    static Case service(String name, String setting, String marker, String message) {
        String yaml = VALID.replace("      celeryworker: {}", "      celeryworker:\n        " + setting);
        return new Case(name, yaml, position(yaml, marker), message);
    }

    /** compose_owner: app, and a service that still says what command it runs (the app's file decides). */
    static Case appOwnedWithCommand() {
        String yaml = VALID.replace("    compose_file: docker-compose.worker.yml", "    compose_file: docker-compose.worker.yml\n    compose_owner: app")
                .replace("      celeryworker: {}", "      celeryworker:\n        command: celery worker");
        return new Case("an app-owned compose file's service given a command", yaml, position(yaml, "celery worker"),
                "the app's docker-compose.worker.yml decides celeryworker's command");
    }

    /** The worker deployment as the app's checkout shipped from git, with {@code extra} under it. */
    static Case shipped(String name, boolean appOwned, String extra, String marker, String message) {
        String yaml = VALID.replace("    compose_file: docker-compose.worker.yml", "    compose_file: docker-compose.worker.yml"
                + (appOwned ? "\n    compose_owner: app" : "")).replace("    services:\n      celeryworker: {}", extra + "    services:\n      celeryworker: {}");
        return new Case(name, yaml, position(yaml, marker), message);
    }

    /** line:column (1-based) of the first occurrence of marker. */
    static String position(String text, String marker) {
        int index = text.indexOf(marker);
        if (index < 0) {
            throw new IllegalArgumentException("marker '" + marker + "' not found");
        }
        int line = 1 + (int) text.substring(0, index).chars().filter(c -> c == '\n').count();
        int column = index - text.lastIndexOf('\n', index - 1);
        return line + ":" + column;
    }

    static Stream<Case> cases() {
        return Stream.of(
                shipped("a git source on a compose file infra writes", false, "    source: {git: git://origin/antenna.git, ref: v2}\n",
                        "{git:", "deployments.worker.source needs compose_owner: app"),
                shipped("a git remote that is an option", true, "    source: {git: \"--upload-pack=touch /tmp/x\", ref: v2}\n",
                        "\"--upload", "which git would read as an option"),
                shipped("a git remote through a transport helper", true, "    source: {git: \"ext::sh -c touch% /tmp/x\", ref: v2}\n",
                        "\"ext::", "names a transport helper (ext::), which runs commands"),
                shipped("a release without a source", true, "    release: {command: migrate, service: celeryworker, host: worker-1}\n",
                        "{command:", "deployments.worker.release needs a source"),
                shipped("a ref that is no git ref", true, "    source: {git: git://origin/antenna.git, ref: \"v2 ..main\"}\n",
                        "\"v2 ..main\"", "is not a git ref"),
                shipped("a release command on a host without the deployment", true, "    source: {git: git://origin/antenna.git, ref: v2}\n"
                        + "    release: {command: migrate, service: celeryworker, host: nats-1}\n", "nats-1}",
                        "the release command's host nats-1 has no role worker"),
                shipped("a drain for a service the deployment lacks", true, "    source: {git: git://origin/antenna.git, ref: v2}\n"
                        + "    release:\n      drain: {celeryworkr: 5m}\n", "5m}", "'celeryworkr' is not a service of deployments.worker"),
                replace("compose_owner neither infra nor app", "    compose_file: docker-compose.worker.yml",
                        "    compose_file: docker-compose.worker.yml\n    compose_owner: team", "team", "compose_owner must be infra or app"),
                appOwnedWithCommand(),
                replace("a carriage return in an env value (compose v1 splits on it)", "      NATS_URL: nats://nats:4222",
                        "      NATS_URL: nats://nats:4222\n      LAB_CRN: \"a\\rNATS_URL=nats://localhost:4222\"", "\"a\\r",
                        "contains the control character U+000D (carriage return)"),
                replace("a Unicode line separator in an env value", "      NATS_URL: nats://nats:4222",
                        "      NATS_URL: nats://nats:4222\n      LAB_LS: \"a\\LNATS_URL=x\"", "\"a\\L", "U+2028 (line separator)"),
                replace("a NEL in an env value", "      NATS_URL: nats://nats:4222",
                        "      NATS_URL: nats://nats:4222\n      LAB_NEL: \"a\\Nb\"", "\"a\\N", "U+0085 (next line, NEL)"),
                replace("a NUL in a path", "    deploy_dir: ~/ami-platform", "    deploy_dir: \"~/ami\\0platform\"", "\"~/ami", "U+0000 (NUL)"),
                replace("typo in a host key", "    address: 10.0.0.7", "    adress: 10.0.0.7", "adress",
                        "unknown key 'adress' in hosts.worker-1. Did you mean 'address'?"),
                replace("typo in a section name", "jetstream_policy:", "jetstream_polcy:", "jetstream_polcy",
                        "Did you mean 'jetstream_policy'?"),
                replace("typo in a nested key", "    max_file_store: 1G", "    max_file_stor: 1G", "max_file_stor",
                        "Did you mean 'max_file_store'?"),
                replace("wrong type: words for a number", "max_deliver: 2", "max_deliver: two", "two",
                        "jetstream_policy.max_deliver must be a whole number"),
                replace("YAML 1.1 'on' for a boolean", "debug: false", "debug: on", "on\njetstream_policy",
                        "'on' is a YAML 1.1 boolean"),
                replace("YAML 1.1 octal for a port", "  jetstream:\n", "  client_port: 04222\n  jetstream:\n", "04222",
                        "leading zero, which YAML 1.1 reads as octal"),
                replace("YAML 1.1 'yes' for a string", "  user: root", "  user: yes", "yes",
                        "'yes' would be read as a boolean"),
                replace("a list where a value belongs", "image: worker:latest", "image: [a, b]", "[a, b]",
                        "must be a single value, not a list"),
                replace("no NATS host", "roles: [nats]", "roles: [app]", "hosts:",
                        "no host has the role nats"),
                replace("two NATS hosts", "roles: [worker]", "roles: [worker, nats]", "[worker, nats]",
                        "JetStream needs one server or a cluster of 3 or 5"),
                replace("JetStream in /tmp", "store_dir: /data/jetstream", "store_dir: /tmp/nats/jetstream",
                        "/tmp/nats", "lost when the container or host restarts"),
                replace("store on a bind path, not a named volume", "volume: nats-data", "volume: ./data", "./data",
                        "not a named volume"),
                replace("a cycle in via", "    roles: [bastion]", "    roles: [bastion]\n    via: worker-1", "worker-1\n  nats-1",
                        "loops: bastion -> worker-1 -> bastion"),
                replace("an unknown jump host", "  via: bastion", "  via: bastoin", "bastoin",
                        "jump host 'bastoin' of nats-1 is not in the inventory. Did you mean 'bastion'?"),
                new Case("a YAML bomb (billion laughs)", BOMB, "", "alias bomb"),
                new Case("a wide YAML bomb under the alias limit", WIDE_BOMB, "", "alias bomb"),
                replace("duplicate keys", "    address: 10.0.0.7", "    address: 10.0.0.7\n    address: 10.0.0.8",
                        "address: 10.0.0.8", "duplicate key 'address'"),
                replace("an unresolvable secret", "  logging:", "  auth:\n    token: ${env:INFRA_TEST_SURELY_UNSET_TOKEN}\n  logging:",
                        "${env:INFRA", "secret ${env:INFRA_TEST_SURELY_UNSET_TOKEN} cannot be resolved"),
                replace("a literal secret", "  logging:", "  auth:\n    token: s3cr3t-value\n  logging:", "s3cr3t",
                        "nats.auth.token is a secret: write a reference"),
                replace("NATS_URL on localhost (job 2226)", "NATS_URL: nats://nats:4222", "NATS_URL: nats://localhost:4222",
                        "nats://localhost", "NATS_URL points at localhost"),
                replace("NATS_URL not managed", "NATS_URL: nats://nats:4222", "DJANGO_DEBUG: \"false\"", "managed_env",
                        "does not manage NATS_URL"),
                replace("NATS_URL host that containers cannot resolve", "NATS_URL: nats://nats:4222",
                        "NATS_URL: nats://natz:4222", "nats://natz", "NATS_URL host 'natz' does not resolve"),
                replace("a size that does not parse", "max_file_store: 1G", "max_file_store: lots", "lots",
                        "'lots' is not a size"),
                replace("a duration without a unit", "ack_wait: 5m", "ack_wait: 300", "300",
                        "'300' is not a duration"),
                replace("max_deliver zero", "max_deliver: 2", "max_deliver: 0", "0\n  ack_wait",
                        "max_deliver must be at least 1"),
                replace("an unknown variable", "${var:nats_ip}", "${var:nats_iq}", "${var:nats_iq}",
                        "unknown variable 'nats_iq' in hosts.nats-1.address. Did you mean 'nats_ip'?"),
                replace("an unknown role", "roles: [worker]", "roles: [wroker]", "wroker",
                        "unknown role 'wroker' on host worker-1. Did you mean 'worker'?"),
                replace("an arbitrary type tag", "image: worker:latest", "image: !!javax.script.ScriptEngineManager x",
                        "!!javax", "is not allowed in an inventory"),
                replace("broken YAML syntax", "  via: bastion", "  via: \"bastion", "\"bastion", "not valid YAML"),
                replace("extra_hosts that is not an IP", "    managed_env:", "    extra_hosts:\n      db: database.local\n    managed_env:",
                        "database.local", "extra_hosts needs an IP address"),
                replace("merge keys", "  user: root", "  <<: {user: root}", "<<", "merge keys (<<) are not supported"),
                service("an unknown compose key on a service", "volumez: [./config:/app/config]", "volumez",
                        "unknown key 'volumez' in deployments.worker.services.celeryworker. Did you mean 'volumes'?"),
                service("a compose key of the wrong type (a string for a list)", "volumes: ./config:/app/config", "./config",
                        "deployments.worker.services.celeryworker.volumes must be a list"),
                service("environment as a list of KEY=value", "environment: [CELERY_QUEUES=jobs]", "[CELERY",
                        "environment must be a mapping"),
                service("a volume without an absolute target", "volumes: [\"./config:app/config\"]", "\"./config",
                        "'./config:app/config' is not a valid volumes entry"),
                service("a volume mode compose does not know", "volumes: [\"./config:/app/config:rox\"]", "\"./config",
                        "is not a valid volumes entry"),
                service("a restart policy compose does not know", "restart: sometimes", "sometimes", "'sometimes' is not a restart policy"),
                service("a port that is not a port", "ports: [\"50o1:5000\"]", "\"50o1", "'50o1:5000' is not a valid ports entry"),
                service("a stop_grace_period without a unit", "stop_grace_period: 120", "120", "'120' is not a duration"),
                service("an unknown key under deploy", "deploy: {replicas: 3}", "replicas", "unknown key 'replicas' in deployments.worker.services.celeryworker.deploy"),
                service("a secret written into environment", "environment: {DJANGO_SECRET_KEY: abc123}", "abc123",
                        "DJANGO_SECRET_KEY looks like a secret"),
                service("environment overriding the managed NATS_URL", "environment: {NATS_URL: \"nats://nats:4222\"}", "\"nats://nats:4222\"}",
                        "NATS_URL is in managed_env"),
                service("depends_on a service that is not declared", "depends_on: [djnago]", "[djnago]",
                        "depends_on names djnago, which deployments.worker does not declare"),
                service("healthcheck disabled and configured", "healthcheck: {test: [CMD, \"true\"], disable: true}", "true}",
                        "compose refuses the mix"),
                replace("per_host naming a host that is not a worker", "      celeryworker: {}",
                        "      celeryworker: {}\n    per_host:\n      nats-1:\n        services:\n          celeryworker: {scale: 2}", "nats-1:\n        services",
                        "per_host names nats-1, which is not a worker host"),
                replace("per_host overriding an undeclared service", "      celeryworker: {}",
                        "      celeryworker: {}\n    per_host:\n      worker-1:\n        services:\n          celeryworker_ml: {scale: 8}",
                        "celeryworker_ml", "overrides service celeryworker_ml, which deployments.worker does not declare"),
                replace("replicas that no RAFT group has", "max_deliver: 2", "max_deliver: 2\n  replicas: 2", "2\n  ack_wait",
                        "replicas must be 1, 3 or 5"),
                replace("replicas above the cluster size", "max_deliver: 2", "max_deliver: 2\n  replicas: 3", "3\n  ack_wait",
                        "replicas 3 is more than the 1 NATS server(s)"),
                replace("a cluster port that clashes with the client port", "  jetstream:\n", "  cluster_port: 4222\n  jetstream:\n", "4222\n  jetstream",
                        "client_port and cluster_port are both 4222"),
                fourNatsHosts(),
                replace("a slurm role without its cluster", "    roles: [worker]", "    roles: [worker, slurm]", "[worker, slurm]",
                        "host worker-1 has role slurm but no slurm.worker-1 section"),
                replace("a slurm cluster on an unknown host", "jetstream_policy:",
                        "slurm:\n  worker-2:\n    account: a\n    workers:\n      adc: {workdir: /w, command: ami worker}\njetstream_policy:",
                        "worker-2:\n    account", "slurm.worker-2 names no host of the inventory. Did you mean 'worker-1'?"),
                slurmCase("a worker group without a command", "      adc: {workdir: /w}", "adc: {workdir",
                        "missing required key 'command'"),
                slurmCase("a wall time shorter than the replacement margin", "      adc: {workdir: /w, command: ami worker, time: 20m}",
                        "20m}", "it would be replaced before it works"),
                replace("two NATS servers with the same name", "    roles: [worker]",
                        "    roles: [worker]\n  nats-1:\n    address: 10.0.0.9\n    roles: [nats]", "nats-1:\n    address: 10.0.0.9",
                        "duplicate key 'nats-1'"),
                new Case("an empty file", "", "1:1", "the file is empty"),
                new Case("a scalar instead of sections", "just text\n", "1:1", "must be a mapping of sections"),
                replace("a tab for indentation", "  user: root", "\tuser: root", "\tuser", "not valid YAML"));
    }

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void eachBadInventoryExitsOneWithItsExactPosition(Case c) throws IOException {
        Path file = dir.resolve("inventory.yml");
        Files.writeString(file, c.yaml());
        Cli.Result r = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> Cli.run("-i", file.toString(), "--templates", Cli.templates(), "validate"));
        assertThat(r.exitCode()).as(r.all()).isEqualTo(1);
        assertThat(r.err()).as("message").contains(c.message());
        assertThat(r.err()).as("location").containsPattern(java.util.regex.Pattern.quote(file.toString()) + ":\\d+:\\d+: error");
        if (!c.at().isEmpty()) {
            assertThat(r.err()).as("exact position").contains(file + ":" + c.at() + ": error");
        }
        assertThat(r.all()).as("no stack trace").doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void theValidBaseIsValid() throws IOException {
        Path file = dir.resolve("inventory.yml");
        Files.writeString(file, VALID);
        Cli.Result r = Cli.run("-i", file.toString(), "--templates", Cli.templates(), "validate");
        assertThat(r.exitCode()).as(r.all()).isZero();
    }

    @Test
    void everyErrorOfAFileIsReportedInOneRun() throws IOException {
        String yaml = VALID.replace("    address: 10.0.0.7", "    adress: 10.0.0.7")
                .replace("store_dir: /data/jetstream", "store_dir: /tmp/js")
                .replace("max_deliver: 2", "max_deliver: 0");
        Path file = dir.resolve("inventory.yml");
        Files.writeString(file, yaml);
        Cli.Result r = Cli.run("-i", file.toString(), "--templates", Cli.templates(), "validate");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("unknown key 'adress'", "/tmp/js", "max_deliver must be at least 1", "4 errors.");
    }

    @Test
    void aBillionLaughsFileIsRejectedQuickly() throws IOException {
        Path file = dir.resolve("bomb.yml");
        Files.writeString(file, BOMB);
        long start = System.nanoTime();
        Cli.Result r = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> Cli.run("-i", file.toString(), "--templates", Cli.templates(), "validate"));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(r.exitCode()).isEqualTo(1);
        System.out.println("billion laughs rejected in " + millis + " ms");
    }

    @Test
    void theTableIsLargeEnough() {
        assertThat(cases().map(Case::name).toList()).hasSizeGreaterThanOrEqualTo(20).doesNotHaveDuplicates();
    }

}
