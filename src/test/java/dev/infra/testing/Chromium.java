package dev.infra.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;

/**
 * Debian's headless Chromium opening a local file, as a person's browser would: the DOM after its
 * scripts ran, and a screenshot. Every network request goes to a closed loopback port and no name is
 * resolved, so nothing leaves the machine even if the page (or Chromium itself) tried.
 */
public final class Chromium {
    private Chromium() {}

    public static String binary() {
        for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
            for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
                if (Files.isExecutable(Path.of(dir, name))) {
                    return Path.of(dir, name).toString();
                }
            }
        }
        throw new AssertionError("Chromium is not installed (.ci/setup installs Debian's chromium package)");
    }

    /** The page's DOM once loaded and its scripts have run. */
    public static Document dom(Path html, int width, int height, Path profile) {
        String out = run(html, width, height, profile, "--dump-dom");
        return Jsoup.parse(out);
    }

    /** A PNG of the page's top {@code width} x {@code height} pixels. */
    public static void screenshot(Path html, Path png, int width, int height, Path profile) {
        run(html, width, height, profile, "--screenshot=" + png.toAbsolutePath());
        assertThat(png).as("the screenshot").exists();
    }

    private static String run(Path html, int width, int height, Path profile, String what) {
        List<String> cmd = new ArrayList<>(List.of(binary(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                "--user-data-dir=" + profile.toAbsolutePath(), "--window-size=" + width + "," + height,
                "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>", "--host-resolver-rules=MAP * ~NOTFOUND",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-default-apps", "--disable-extensions", "--metrics-recording-only", "--no-default-browser-check",
                "--virtual-time-budget=3000", what, html.toAbsolutePath().toUri().toString()));
        try {
            Path log = Files.createTempFile("chromium", ".log");
            Path out = Files.createTempFile("chromium", ".out");
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(log.toFile()).start();
            if (!p.waitFor(90, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("Chromium did not finish within 90 s: " + Files.readString(log));
            }
            assertThat(p.exitValue()).as("chromium %s: %s", what, Files.readString(log)).isZero();
            return Files.readString(out);
        } catch (IOException e) {
            throw new AssertionError("cannot run Chromium: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
