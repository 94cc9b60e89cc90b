package dev.infra.slurm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infra.ssh.RemoteCommand;
import dev.infra.testing.LocalSh;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SLURM commands in a real sh, against stand-ins for sbatch, squeue and scancel that log how they were called. */
class SlurmCommandsTest {
    @TempDir
    Path home;

    LocalSh.Result run(RemoteCommand c) throws Exception {
        Path bin = Files.createDirectories(home.resolve("bin"));
        for (String tool : List.of("sbatch", "squeue", "scancel")) {
            Path p = bin.resolve(tool);
            Files.writeString(p, "#!/bin/sh\n{ printf '%s' \"" + tool + " in $(pwd):\"; for a in \"$@\"; do printf ' [%s]' \"$a\"; done; echo; }"
                    + " >> \"$HOME/calls.log\"\n[ " + tool + " = sbatch ] && echo 4242\nexit 0\n");
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return LocalSh.run(c.script(), "", Map.of("HOME", home.toString(), "PATH", bin + ":/usr/bin:/bin"));
    }

    @Test
    void aJobIsSubmittedFromTheClustersDirectoryWithItsLogDirectoryMade() throws Exception {
        LocalSh.Result r = run(SlurmCommands.submit(SlurmPlanningTest.cluster(2), "adc", 1));
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output().strip()).isEqualTo("4242");
        assertThat(home.resolve(".infra/slurm/logs")).isDirectory();
        assertThat(Files.readString(home.resolve("calls.log"))).isEqualTo("sbatch in " + home + "/.infra/slurm: [--parsable] [adc.sbatch]\n");
    }

    @Test
    void severalJobsAreSubmittedInOneRoundTripEachIdOnItsOwnLine() throws Exception {
        LocalSh.Result r = run(SlurmCommands.submit(SlurmPlanningTest.cluster(2), "adc", 3));
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output().lines().toList()).containsExactly("4242", "4242", "4242");
        assertThat(Files.readString(home.resolve("calls.log")).lines()).hasSize(3);
    }

    @Test
    void theQueueAsksForTheUsersOwnJobsInInfrasFormatAndCancelTakesIdsAsWords() throws Exception {
        run(SlurmCommands.queue());
        run(SlurmCommands.cancel(List.of("101", "102; rm -rf ~")));
        assertThat(Files.readString(home.resolve("calls.log")).lines().map(l -> l.substring(l.indexOf(':') + 1)).toList()).containsExactly(
                " [--me] [--noheader] [--format] [%i|%j|%T|%L|%k|%r]",
                " [101] [102; rm -rf ~]");
    }
}
