package dev.infra.lab;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.BuildImageResultCallback;
import com.github.dockerjava.api.model.BuildResponseItem;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.infra.units.Hashing;
import dev.infra.units.LocalFiles;
import dev.infra.view.Progress;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Builds the lab's images offline and keeps them: there is no registry, so the base is seeded from
 * debootstrap and every other image is an ordinary Dockerfile FROM it. Each image carries the hash
 * of its recipe (its files and its parent's hash) as a label; a matching label means "reuse".
 */
public final class LabImages {
    public static final String BASE = "infra-lab/base:bookworm";
    public static final String HOST = "infra-lab/host:bookworm";
    public static final String BASTION = "infra-lab/bastion:bookworm";
    public static final String NATS = "infra-lab/nats:2.9";
    public static final String WORKER = "infra-lab/worker:latest";
    public static final String SLURM = "infra-lab/slurm:bookworm";
    static final String RECIPE_LABEL = "infra.lab.recipe";
    static final String MIRROR = "http://deb.debian.org/debian";
    static final String DEBOOTSTRAP_INCLUDE = "openssh-server,ca-certificates,iproute2,procps";

    /** An image built from files under /lab/images/ of the jar, FROM the base image. */
    record Recipe(String tag, String dir, List<String> files) {}

    static final Map<String, Recipe> RECIPES = new LinkedHashMap<>();

    static {
        List<String> sshd = List.of("common/lab-entrypoint.sh", "common/sshd_lab.conf");
        RECIPES.put(HOST, new Recipe(HOST, "host", concat(List.of("host/Dockerfile"), sshd)));
        RECIPES.put(BASTION, new Recipe(BASTION, "bastion", concat(List.of("bastion/Dockerfile"), sshd)));
        RECIPES.put(NATS, new Recipe(NATS, "nats", List.of("nats/Dockerfile")));
        RECIPES.put(WORKER, new Recipe(WORKER, "worker", List.of("worker/Dockerfile", "worker/main.go")));
        RECIPES.put(SLURM, new Recipe(SLURM, "slurm", concat(List.of("slurm/Dockerfile", "slurm/slurm.conf",
                "slurm/slurmdbd.conf", "slurm/slurm-entrypoint.sh", "slurm/ami"), sshd)));
    }

    private final DockerClient docker;
    private final PrintWriter progress;
    private final Path cacheDir;
    private Progress steps = Progress.none();

    public LabImages(DockerClient docker, PrintWriter progress, Path cacheDir) {
        this.docker = docker;
        this.progress = progress;
        this.cacheDir = cacheDir;
    }

    /** Shows the Dockerfile step each build is at, with the time it has taken so far. */
    public LabImages withProgress(Progress steps) {
        this.steps = steps;
        return this;
    }

    public static Path defaultCacheDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("infra/lab-images");
    }

    public static boolean isLabImage(String image) {
        return RECIPES.containsKey(image);
    }

    /** Runs {@code work} holding a lock shared by every infra process on this machine. */
    public void exclusively(Runnable work) {
        try {
            Files.createDirectories(cacheDir);
            try (FileChannel channel = FileChannel.open(cacheDir.resolve(".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                synchronized (LabImages.class) {
                    FileLock lock = channel.lock();
                    try {
                        work.run();
                    } finally {
                        lock.release();
                    }
                }
            }
        } catch (IOException e) {
            throw new LabException("cannot lock the lab image cache " + cacheDir + ": " + e.getMessage(), e);
        }
    }

    /** Makes sure {@code tag} (and its base) exists with the current recipe; builds what is missing. */
    public void ensure(String tag) {
        String baseHash = ensureBase();
        Recipe recipe = RECIPES.get(tag);
        if (recipe == null) {
            throw new LabException("the lab cannot provide image " + tag + " offline (no registry); lab images are "
                    + String.join(", ", RECIPES.keySet()));
        }
        String hash = hash(baseHash, recipe);
        if (hash.equals(recipeOf(tag).orElse(null))) {
            return;
        }
        progress.println("  building " + tag + " (recipe " + hash.substring(0, 12) + ") …");
        progress.flush();
        long start = System.nanoTime();
        Path context = null;
        try {
            context = Files.createTempDirectory("infra-lab-build");
            for (String file : recipe.files()) {
                copyResource(file, context.resolve(Path.of(file).getFileName().toString()));
            }
            docker.buildImageCmd(context.toFile())
                    .withTags(Set.of(tag))
                    .withLabels(Map.of(RECIPE_LABEL, hash))
                    .withBuildArg("BASE", BASE)
                    .withPull(false)
                    .withRemove(true)
                    .withForcerm(true)
                    .exec(new BuildImageResultCallback() {
                        @Override
                        public void onNext(BuildResponseItem item) {
                            String line = item.getStream() == null ? "" : item.getStream().strip();
                            if (line.startsWith("Step ")) {   // "Step 3/9 : RUN apt-get …"
                                steps.update("building " + tag + ", " + line);
                            }
                            super.onNext(item);
                        }
                    })
                    .awaitImageId(20, TimeUnit.MINUTES);
        } catch (IOException | RuntimeException e) {
            throw new LabException("building " + tag + " failed: " + e.getMessage(), e);
        } finally {
            LocalFiles.deleteTree(context);
        }
        steps.println(progress, String.format(Locale.ROOT, "  built %s in %.1f s", tag, (System.nanoTime() - start) / 1e9));
    }

    /**
     * A `docker save` archive of {@code tag} in the cache directory, named by image id, made once.
     * Lab hosts see the directory read-only and `docker load` from it: no registry needed.
     */
    public Path archive(String tag) {
        InspectImageResponse image = docker.inspectImageCmd(tag).exec();
        String id = image.getId().replace("sha256:", "");
        Path file = cacheDir.resolve(id.substring(0, 16) + ".tar");
        if (Files.exists(file)) {
            return file;
        }
        try {
            Files.createDirectories(cacheDir);
            Path tmp = Files.createTempFile(cacheDir, "save", ".tmp");
            try (InputStream in = docker.saveImageCmd(tag.substring(0, tag.lastIndexOf(':')))
                    .withTag(tag.substring(tag.lastIndexOf(':') + 1)).exec()) {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            return file;
        } catch (IOException e) {
            throw new LabException("saving " + tag + " to " + cacheDir + " failed: " + e.getMessage(), e);
        }
    }

    private String ensureBase() {
        String hash = Hashing.sha256Hex("debootstrap --variant=minbase --include=" + DEBOOTSTRAP_INCLUDE + " bookworm " + MIRROR + " v1");
        if (hash.equals(recipeOf(BASE).orElse(null))) {
            return hash;
        }
        progress.println("  seeding " + BASE + " with debootstrap (once; about a minute) …");
        progress.flush();
        long start = System.nanoTime();
        new BaseImageSeeder(docker).seed(BASE, MIRROR, DEBOOTSTRAP_INCLUDE, Map.of(RECIPE_LABEL, hash));
        progress.printf("  seeded %s in %.1f s%n", BASE, (System.nanoTime() - start) / 1e9);
        progress.flush();
        return hash;
    }

    private Optional<String> recipeOf(String tag) {
        try {
            Map<String, String> labels = docker.inspectImageCmd(tag).exec().getConfig().getLabels();
            return Optional.ofNullable(labels == null ? null : labels.get(RECIPE_LABEL));
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    static String hash(String parentHash, Recipe recipe) {
        StringBuilder all = new StringBuilder(parentHash).append('\n').append(recipe.tag()).append('\n');
        for (String file : recipe.files()) {
            all.append(file).append('\n').append(readResource(file)).append('\n');
        }
        return Hashing.sha256Hex(all.toString());
    }

    static String readResource(String file) {
        try (InputStream in = LabImages.class.getResourceAsStream("/lab/images/" + file)) {
            if (in == null) {
                throw new LabException("lab image file " + file + " is missing from the build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new LabException("cannot read lab image file " + file, e);
        }
    }

    private static void copyResource(String file, Path target) throws IOException {
        Files.writeString(target, readResource(file), StandardCharsets.UTF_8);
    }


    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return List.copyOf(out);
    }
}
