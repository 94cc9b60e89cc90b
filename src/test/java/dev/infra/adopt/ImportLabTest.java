package dev.infra.adopt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infra.nats.JobStream;
import dev.infra.testing.Cli;
import dev.infra.testing.LabExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * `infra import` on the brownfield lab (the app's own compose files in a git checkout, started as its
 * deploy script starts them; worker-2 without NATS_URL; a hand-started NATS with JetStream in /tmp
 * holding a job): the imported inventory reproduces the fleet, and a plan on it shows exactly the fixes.
 */
class ImportLabTest {
    @RegisterExtension
    static LabExtension lab = new LabExtension();

    static final String WORKER = Brownfield.WORKER;
    static final String APP = Brownfield.APP;
    static final String NATS = BrownfieldLabTest.NATS;

    static Cli.Result importFleet(Path out, String... hosts) {
        List<String> args = new ArrayList<>(List.of("import", "--ssh-config", lab.dir().resolve("ssh_config").toString(),
                "--known-hosts", lab.dir().resolve("known_hosts").toString(), "--identity-file", lab.dir().resolve("id_ed25519").toString(),
                "--out", out.toString()));
        args.addAll(List.of(hosts));
        return Cli.run(args.toArray(String[]::new));
    }

    @Test
    void importThenPlanShowsExactlyTheFixes() throws Exception {
        Brownfield.setUp(lab);
        lab.standin(WORKER, "enqueue --job 9400 --tasks 3");
        String appContainers = lab.sh(APP, "docker ps -aq --no-trunc | sort");
        JobStream before = lab.stream("job_9400");

        Path inventory = lab.dir().resolve("imported.yml");
        Cli.Result imported = importFleet(inventory, "ami-cc", NATS, APP, WORKER);
        assertThat(imported.exitCode()).as(imported.all()).isZero();
        String text = Files.readString(inventory);
        System.out.println(text);
        assertThat(text).as("no value of the hosts' env files enters the inventory")
                .doesNotContain("s3cr3t").doesNotContain("pg-s3cr3t").doesNotContain("postgres://");
        assertThat(text).contains("roles: [bastion]", "roles: [nats]", "roles: [app]", "roles: [worker]")
                .contains("compose_owner: app").contains("compose_env_file: .envs/.production/.compose")
                .contains("DJANGO_SECRET_KEY, DATABASE_URL").contains("celeryworker_ml: {scale: 2}").contains("django: {scale: 0}")
                .contains("MISSING on " + WORKER).contains("/tmp/nats/jetstream").contains("job_9400");
        assertThat(lab.sh(APP, "cd ~/ami-platform && git status --porcelain")).as("import only reads").isEmpty();

        Cli.Result plan = Cli.run("-i", inventory.toString(), "--templates", Cli.templates(), "plan", "--no-color");
        System.out.println(plan.out());
        assertThat(plan.exitCode()).as(plan.all()).isZero();
        assertThat(plan.out()).doesNotContain("# " + APP).doesNotContain("# ami-cc")
                .contains("# " + WORKER).contains("+ NATS_URL=nats://nats:4222")
                .contains("-/+ service ami-platform/celeryworker (NATS_URL changed in the env file)")
                .contains("-/+ service ami-platform/celeryworker_ml (NATS_URL changed in the env file)")
                .doesNotContain("service ami-platform/django")
                .contains("# " + NATS).contains("JetStream's store moves: /tmp/nats/jetstream").contains("job_9400")
                .doesNotContain("s3cr3t");

        Cli.Result apply = Cli.run("-i", inventory.toString(), "--templates", Cli.templates(), "apply", "--yes", "--no-color");
        assertThat(apply.exitCode()).as(apply.all()).isZero();
        assertThat(lab.sh(APP, "docker ps -aq --no-trunc | sort")).as("nothing on ami-live was recreated").isEqualTo(appContainers);
        assertThat(lab.stream("job_9400").messages()).isEqualTo(before.messages());
        Cli.Result again = Cli.run("-i", inventory.toString(), "--templates", Cli.templates(), "plan", "--detailed-exitcode");
        assertThat(again.exitCode()).as(again.all()).isZero();
    }

    @Test
    void aHostWithNoComposeProjectIsRefusedAndNothingIsWritten() throws Exception {
        lab.converge();
        // Every compose container gone (whichever checkout or files an earlier test left there).
        lab.sh(APP, "docker ps -aq --filter label=com.docker.compose.project | xargs -r docker rm -f");
        Path inventory = lab.dir().resolve("refused.yml");
        Cli.Result r = importFleet(inventory, "ami-cc", NATS, APP, WORKER);
        assertThat(r.exitCode()).as(r.all()).isEqualTo(1);
        assertThat(r.err()).contains("nothing was written").contains(APP + " runs no compose project and no NATS container")
                .doesNotContain("Exception");
        assertThat(inventory).doesNotExist();
        assertThat(lab.dir()).isDirectoryNotContaining(p -> p.getFileName().toString().startsWith(".refused"));
    }
}
