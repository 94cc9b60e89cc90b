package dev.infra.slurm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infra.inventory.Inventory;
import dev.infra.render.DesiredFile;
import dev.infra.render.HostState;
import dev.infra.render.Renderer;
import dev.infra.testing.Cli;
import dev.infra.testing.Inventories;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A worker group becomes a job script and a 0600 env file on the login host; the token only in the latter. */
class SlurmRenderTest {
    static HostState login() {
        Inventory inv = Inventories.load(Path.of(Cli.repo().resolve("src/test/resources/inventories/slurm.yml").toString()),
                Map.of("ANTENNA_TOKEN", "antenna-token-t0k3n"));
        return Inventories.renderer().renderFleet(inv).host("hpc-login");
    }

    static String file(HostState h, String suffix) {
        return h.files().stream().filter(f -> f.path().endsWith(suffix)).map(DesiredFile::content).findFirst().orElseThrow();
    }

    @Test
    void theJobScriptSaysWhatTheHandWrittenOneSaid() {
        String script = file(login(), "/adc.sbatch");
        assertThat(script).startsWith("#!/bin/bash\n")
                .contains("#SBATCH --job-name=infra-adc\n", "#SBATCH --account=def-rolnick\n", "#SBATCH --partition=gpu\n",
                        "#SBATCH --time=12:00:00\n", "#SBATCH --mem=32768M\n", "#SBATCH --cpus-per-task=4\n", "#SBATCH --gres=gpu:1\n",
                        "#SBATCH --output=logs/%x-%j.out\n")
                .contains("module load python/3.12 cuda/12.6\n", "source \"$HOME\"/venvs/adc/bin/activate\n",
                        "cd \"$HOME\"/projects/ami-data-companion\n", "set -a; source \"$HOME\"/.infra/slurm/adc.env; set +a\n",
                        "ami worker register\n",
                        "deadline=$((SECONDS + 42900))\n",
                        "timeout --signal=SIGTERM \"${left}s\" ami worker --pipeline moth_binary --pipeline panama_moths_2024 || rc=$?\n");
        assertThat(Renderer.slurmDigest(script)).get().asString().hasSize(12);
    }

    @Test
    void theTokenIsAReferenceInTheEnvFileAndNowhereInTheScript() {
        HostState h = login();
        assertThat(file(h, "/adc.env")).contains("AMI_ANTENNA_API_AUTH_TOKEN='${env:ANTENNA_TOKEN}'\n")
                .contains("AMI_ANTENNA_SERVICE_NAME='DRAC Worker'\n");
        assertThat(file(h, "/adc.sbatch")).doesNotContain("ANTENNA_TOKEN").doesNotContain("antenna-token-t0k3n");
    }

    @Test
    void theDigestFollowsTheScriptAndItsEnvFile() throws Exception {
        String a = file(login(), "/adc.sbatch");
        assertThat(Renderer.slurmDigest(a)).isEqualTo(Renderer.slurmDigest(file(login(), "/adc.sbatch")));
        // A job sources its env file once, when it starts: a changed value is a new version of the job.
        Path changed = Files.createTempDirectory("slurm-digest").resolve("slurm.yml");
        Files.writeString(changed, Files.readString(Cli.repo().resolve("src/test/resources/inventories/slurm.yml"))
                .replace("AMI_ANTENNA_API_BATCH_SIZE: \"4\"", "AMI_ANTENNA_API_BATCH_SIZE: \"8\""));
        String b = file(Inventories.renderer().renderFleet(Inventories.load(changed, Map.of("ANTENNA_TOKEN", "antenna-token-t0k3n")))
                .host("hpc-login"), "/adc.sbatch");
        assertThat(b).as("the script itself is the same but for its digest").isEqualTo(a.replace(Renderer.slurmDigest(a).orElseThrow(),
                Renderer.slurmDigest(b).orElseThrow()));
        assertThat(Renderer.slurmDigest(b)).isNotEqualTo(Renderer.slurmDigest(a));
    }
}
