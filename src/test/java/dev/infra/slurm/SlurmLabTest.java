package dev.infra.slurm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infra.testing.Cli;
import dev.infra.testing.LabExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
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

        // The worker logs like the real one, under the cluster's log directory.
        String log = lab.awaitOutput(HPC, "cat ~/.infra/slurm/logs/infra-adc-" + running().get(0) + ".out", out -> out.contains("Batch 1"));
        assertThat(log).contains("Registered pipelines").contains("Polling http://ami-live:8000/api/v2 for tasks of pipelines: moth_binary");

        String token = Files.readString(Path.of(Cli.inventory("lab-antenna-token"))).strip();
        String everywhere = lab.sh(HPC, "cat ~/.infra/slurm/adc.sbatch; squeue --me --format '%all'; scontrol show job " + running().get(0)
                + "; cat ~/.infra/audit.log 2>/dev/null; true") + apply.all() + again.all() + drift.all();
        assertThat(everywhere).as("the token appears nowhere but in its env file").doesNotContain(token);
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
    }
}
