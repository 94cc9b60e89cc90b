package dev.infra.bench;

import dev.infra.testing.Cli;
import dev.infra.testing.LabExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the benchmarks share: a timed run of a separate process, medians, and the desired files on disk. */
final class Runs {
    private static final Pattern RSS = Pattern.compile("@@RSS (\\d+)");

    private Runs() {}

    /** One run: exit code, output (stdout and stderr), wall time and, under `/usr/bin/time -f '@@RSS %M'`, peak RSS in KiB. */
    record Run(int exit, String out, long millis, long rssKib) {}

    static Run run(List<String> command, Path dir) throws IOException, InterruptedException {
        long start = System.nanoTime();
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("ANSIBLE_NOCOLOR", "1");
        pb.environment().put("NO_COLOR", "1");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        Matcher m = RSS.matcher(out);
        long rss = 0;
        while (m.find()) {
            rss = Long.parseLong(m.group(1));
        }
        return new Run(p.exitValue(), out, millis, rss);
    }

    static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }

    static long medianMillis(List<Run> runs) {
        return median(runs.stream().map(Run::millis).toList());
    }

    /** `infra render --out DIR` of {@code inventory} on {@code lab}, with extra `--var`s: each host's desired files under DIR/HOST/. */
    static Path render(LabExtension lab, Path inventory, Path dir, String... vars) {
        List<String> args = new ArrayList<>();
        for (String v : vars) {
            args.addAll(List.of("--var", v));
        }
        args.addAll(List.of("render", "--out", dir.toString()));
        Cli.Result r = lab.infraOn(inventory, args.toArray(String[]::new));
        if (r.exitCode() != 0) {
            throw new AssertionError("infra render failed:\n" + r.all());
        }
        return dir;
    }
}
