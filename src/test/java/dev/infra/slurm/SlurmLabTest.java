package dev.infra.slurm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infra.testing.Cli;
import dev.infra.testing.LabExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Worker jobs on the lab's SLURM cluster (inventory/lab-slurm.yml: ami-hpc runs slurmctld and slurmd
 * from Debian's packages, reached through the bastion): apply keeps the declared count running, a job
 * cancelled by hand is drift that apply resubmits, and the token never leaves its 0600 file.
 */
class SlurmLabTest {
    @RegisterExtension
    static LabExtension lab = new LabExtension("lab-slurm.yml");

    static final String HPC = "ami-hpc";

    static List<String> running() {
        return lab.sh(HPC, "squeue --me --noheader --states=RUNNING --format '%i %j'").lines()
                .filter(l -> l.contains("infra-adc")).map(l -> l.strip().split(" ")[0]).toList();
    }

    static void awaitRunning(int n) throws InterruptedException {
        for (int i = 0; i < 60 && running().size() != n; i++) {
            Thread.sleep(1000);
        }
        assertThat(running()).as(lab.sh(HPC, "squeue --me; tail -5 /var/log/slurm/slurmctld.log")).hasSize(n);
    }

    @Test
    void applyKeepsTwoWorkersRunningAndResubmitsOneCancelledByHand() throws Exception {
        lab.converge();
        lab.sh(HPC, "scancel --me --name infra-adc 2>/dev/null; true");
        Cli.Result apply = lab.infra("apply", "--yes", "--no-color");
        System.out.println(apply.out());
        assertThat(apply.exitCode()).as(apply.all()).isZero();
        assertThat(apply.out()).contains("+ slurm adc: submit 2 (0 of 2 running or pending)");
        awaitRunning(2);
        assertThat(lab.infra("plan", "--no-color").out()).contains("No changes");

        String victim = running().get(0);
        lab.sh(HPC, "scancel " + victim);
        Cli.Result drift = lab.infra("drift", "--no-color");
        assertThat(drift.exitCode()).as(drift.all()).isEqualTo(2);
        assertThat(drift.out()).contains("slurm adc: submit 1 (1 of 2 running or pending)");
        Cli.Result again = lab.infra("apply", "--yes", "--no-color");
        assertThat(again.exitCode()).as(again.all()).isZero();
        awaitRunning(2);
        assertThat(running()).doesNotContain(victim);

        // What operators use: status, a job's log, and cancel (infra's jobs only).
        Cli.Result status = lab.infra("slurm", "status");
        assertThat(status.exitCode()).as(status.all()).isZero();
        assertThat(status.out()).contains("# ami-hpc").contains(running().get(0)).contains(running().get(1)).contains("RUNNING");
        Cli.Result logs = lab.infra("slurm", "logs", running().get(0), "--lines", "3");
        assertThat(logs.exitCode()).as(logs.all()).isZero();
        String someoneElses = lab.sh(HPC, "cd /tmp && sbatch --parsable --job-name=jupyter --wrap 'sleep 600'").strip();
        try {
            Cli.Result refused = lab.infra("slurm", "cancel", someoneElses, "--yes");
            assertThat(refused.exitCode()).isEqualTo(1);
            assertThat(refused.err()).contains("job " + someoneElses + " is not one of infra's queued jobs on ami-hpc");
            assertThat(lab.infra("plan", "--no-color").out()).as("a job infra did not submit is none of its business").contains("No changes");
        } finally {
            lab.sh(HPC, "scancel " + someoneElses);
        }

        // The worker logs like the real one, under the cluster's log directory.
        String log = lab.awaitOutput(HPC, "cat ~/.infra/slurm/logs/infra-adc-" + running().get(0) + ".out", out -> out.contains("Batch 1"));
        assertThat(log).contains("Registered pipelines").contains("Polling http://ami-live:8000/api/v2 for tasks of pipelines: moth_binary");

        String token = Files.readString(Path.of(Cli.inventory("lab-antenna-token"))).strip();
        String everywhere = lab.sh(HPC, "cat ~/.infra/slurm/adc.sbatch; squeue --me --format '%all'; scontrol show job " + running().get(0)
                + "; cat ~/.infra/audit.log 2>/dev/null; true") + apply.all() + again.all() + drift.all();
        assertThat(everywhere).as("the token appears nowhere but in its env file").doesNotContain(token);
        assertThat(lab.sh(HPC, "cat ~/.infra/audit.log")).as("the audit log records the submissions").contains("+ slurm adc ");
        assertThat(lab.sh(HPC, "stat -c %a ~/.infra/slurm/adc.env").strip()).isEqualTo("600");
        assertThat(lab.sh(HPC, "cat ~/.infra/slurm/adc.env")).contains(token);
    }

    @Test
    void theClustersOwnAnswerIsShownWhenItRefusesAGroupAndNothingIsSubmitted() throws Exception {
        lab.converge();
        Path bad = lab.inventoryVariant("lab-slurm.yml", yaml -> yaml.replace("    partition: cpu", "    partition: gpu-h100"));
        Files.copy(Path.of(Cli.inventory("lab-antenna-token")), bad.resolveSibling("lab-antenna-token"), StandardCopyOption.REPLACE_EXISTING);
        lab.sh(HPC, "scancel --me --name infra-adc 2>/dev/null; true");
        Cli.Result apply = lab.infraOn(bad, "apply", "--yes", "--no-color");
        assertThat(apply.exitCode()).as(apply.all()).isEqualTo(1);
        assertThat(apply.all()).contains("the cluster refuses worker group adc's job (sbatch --test-only)")
                .contains("invalid partition").contains("Nothing was submitted");
        assertThat(lab.sh(HPC, "squeue --me --noheader --name infra-adc | wc -l").strip()).isEqualTo("0");

        Path account = lab.inventoryVariant("lab-slurm.yml", yaml -> yaml.replace("    account: lab ", "    account: def-nobody "));
        Cli.Result noAccount = lab.infraOn(account, "apply", "--yes", "--no-color");
        assertThat(noAccount.exitCode()).as(noAccount.all()).isEqualTo(1);
        assertThat(noAccount.all()).contains("the cluster refuses worker group adc's job (sbatch --test-only)")
                .contains("Invalid account").contains("Nothing was submitted");

        Path huge = lab.inventoryVariant("lab-slurm.yml", yaml -> yaml.replace("        mem: 256MiB", "        mem: 64GiB"));
        Cli.Result tooBig = lab.infraOn(huge, "apply", "--yes", "--no-color");
        System.out.println(tooBig.all());
        assertThat(tooBig.exitCode()).as(tooBig.all()).isEqualTo(1);
        assertThat(tooBig.all()).contains("the cluster refuses worker group adc's job (sbatch --test-only)")
                .contains("Requested node configuration is not available")
                .contains("Nothing was submitted");
        assertThat(lab.sh(HPC, "squeue --me --noheader --name infra-adc | wc -l").strip()).isEqualTo("0");
    }

    static Cli.Result verify() {
        return lab.infra("verify", "--no-color");
    }

    static String slurmLine(Cli.Result verify) {
        return verify.out().lines().filter(l -> l.contains("slurm:adc")).findFirst().orElse("(no slurm:adc line)\n" + verify.all());
    }

    @Test
    void verifyNamesAHungWorkerWithItsSilenceAndACrashedOneWithItsExitCodeAndLog() throws Exception {
        lab.converge();
        lab.infra("apply", "--yes");
        awaitRunning(2);
        Cli.Result healthy = verify();
        assertThat(slurmLine(healthy)).contains("OK").contains("2 of 2 running; newest output");

        Path hanging = lab.inventoryVariant("lab-slurm.yml", yaml -> yaml.replace("          AMI_ANTENNA_SERVICE_NAME: Lab Worker",
                "          AMI_ANTENNA_SERVICE_NAME: Lab Worker\n          LAB_WORKER_HANG_AFTER: \"3\""));
        Files.copy(Path.of(Cli.inventory("lab-antenna-token")), hanging.resolveSibling("lab-antenna-token"), StandardCopyOption.REPLACE_EXISTING);
        Cli.Result plan = lab.infraOn(hanging, "plan", "--no-color");
        assertThat(plan.out()).contains("slurm adc: submit 2 with the new script to replace");
        Cli.Result replaced = lab.infraOn(hanging, "apply", "--yes", "--no-color");
        System.out.println(replaced.out());
        assertThat(replaced.exitCode()).as(replaced.all()).isZero();
        assertThat(replaced.out()).contains("(an old script; their replacements run)");
        Cli.Result hung = null;
        for (int i = 0; i < 60 && (hung == null || !slurmLine(hung).contains("the worker may hang")); i++) {
            Thread.sleep(2000);
            hung = lab.infraOn(hanging, "verify", "--no-color");
        }
        assertThat(slurmLine(hung)).contains("WARN").containsPattern("job \\d+: no output for \\d+s \\(silent_after 30s\\): the worker may hang");

        Path crashing = lab.inventoryVariant("lab-slurm.yml", yaml -> yaml.replace("          AMI_ANTENNA_SERVICE_NAME: Lab Worker",
                "          AMI_ANTENNA_SERVICE_NAME: Lab Worker\n          LAB_WORKER_CRASH_AFTER: \"3\""));
        lab.infraOn(crashing, "apply", "--yes");
        Cli.Result crashed = null;
        for (int i = 0; i < 60 && (crashed == null || !slurmLine(crashed).contains("failed (FAILED, exit 1:0")); i++) {
            Thread.sleep(2000);
            crashed = lab.infraOn(crashing, "verify", "--no-color");
        }
        assertThat(slurmLine(crashed)).containsPattern("job \\d+ failed \\(FAILED, exit 1:0")
                .contains("RuntimeError: CUDA error: an illegal memory access was encountered (lab stand-in crash)");
    }

    @Test
    void jobsNearTheirWallTimeAreReplacedBeforeTheyEndAndCapacityNeverDrops() throws Exception {
        lab.converge();
        lab.sh(HPC, "scancel --me --name infra-adc 2>/dev/null; true");
        Path short2m = lab.inventoryVariant("lab-slurm.yml", yaml -> yaml.replace("        time: 30m", "        time: 2m")
                .replace("        replace_within: 10m", "        replace_within: 90s").replace("        stop_before_end: 1m", "        stop_before_end: 20s"));
        Files.copy(Path.of(Cli.inventory("lab-antenna-token")), short2m.resolveSibling("lab-antenna-token"), StandardCopyOption.REPLACE_EXISTING);
        assertThat(lab.infraOn(short2m, "apply", "--yes").exitCode()).isZero();
        awaitRunning(2);
        List<String> first = running();
        // Sample the running count every second while apply runs every 10 s, as a timer would run it.
        AtomicInteger least = new AtomicInteger(Integer.MAX_VALUE);
        AtomicInteger samples = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        Thread sampler = new Thread(() -> {
            while (!stop.get()) {
                least.accumulateAndGet(running().size(), Math::min);
                samples.incrementAndGet();
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.start();
        StringBuilder applies = new StringBuilder();
        long end = System.nanoTime() + Duration.ofSeconds(150).toNanos();
        try {
            while (System.nanoTime() < end) {
                applies.append(lab.infraOn(short2m, "apply", "--yes", "--no-color").out());
                Thread.sleep(10_000);
            }
        } finally {
            stop.set(true);
            sampler.join();
        }
        System.out.println("least running: " + least.get() + " in " + samples.get() + " samples");
        assertThat(applies.toString().lines().filter(l -> l.contains(", replacing ")).flatMap(l -> List.of(
                l.substring(l.indexOf("replacing ") + 10).split(", ")).stream()).toList())
                .as("each first job's replacement submitted while it still ran").containsAll(first);
        assertThat(running()).as("the first jobs ended at their time, their replacements run").doesNotContainAnyElementsOf(first).hasSizeGreaterThanOrEqualTo(2);
        assertThat(least.get()).as("never fewer than wanted, sampled every second (" + samples.get() + " samples)").isGreaterThanOrEqualTo(2);
    }
}
