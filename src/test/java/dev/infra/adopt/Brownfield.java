package dev.infra.adopt;

import dev.infra.testing.Cli;
import dev.infra.testing.LabExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The brownfield fleet on a lab: the app and worker hosts run a git checkout of the app (its own
 * compose files, anchors, CELERY_QUEUES, ./config mounts, builds, --env-file), started as its deploy
 * script starts them; worker-2's env file lacks NATS_URL; a hand-started NATS keeps JetStream in /tmp.
 */
final class Brownfield {
    static final String WORKER = "ami-worker-2";
    static final String APP = "ami-live";
    static final Path FIXTURE = Cli.repo().resolve("src/test/resources/brownfield/ami-platform");
    static final String GIT = "git -c user.name=dev -c user.email=dev@antenna.example";

    private Brownfield() {}

    /** The state production is in: infra never ran on these hosts. */
    static void setUp(LabExtension lab) throws Exception {
        lab.converge();
        for (String host : List.of(APP, WORKER)) {
            lab.sh(host, "docker ps -aq --filter label=com.docker.compose.project | xargs -r docker rm -f; rm -rf ~/ami-platform ~/.infra");
        }
        lab.natsByHand("~/nats", "nats");
        checkout(lab, APP);
        checkout(lab, WORKER);
        deploy(lab, APP, "docker-compose.production.yml", true);
        deploy(lab, WORKER, "docker-compose.worker.yml", false);
    }

    /** The app's repository as an origin on the host, and the deploy dir a clone of it. */
    static void checkout(LabExtension lab, String host) throws Exception {
        lab.sh(host, "rm -rf /srv/antenna-src /srv/antenna.git");
        try (Stream<Path> files = Files.walk(FIXTURE)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                lab.put(host, "/srv/antenna-src/" + FIXTURE.relativize(f), Files.readString(f, StandardCharsets.UTF_8));
            }
        }
        lab.sh(host, "set -e; cd /srv/antenna-src && git init -q -b main && " + GIT + " add -A && " + GIT + " commit -qm v1"
                + " && git init -q --bare -b main /srv/antenna.git && git push -q /srv/antenna.git main"
                + " && rm -rf ~/ami-platform && git clone -q /srv/antenna.git ~/ami-platform");
    }

    /** The env files the team keeps beside the checkout (git-ignored), and the app started as its deploy script does. */
    static void deploy(LabExtension lab, String host, String composeFile, boolean withNatsUrl) {
        String prefix = lab.natsIp().substring(0, lab.natsIp().lastIndexOf('.'));
        lab.put(host, "~/ami-platform/.envs/.production/.django", "# owned by the app team\nDJANGO_SECRET_KEY=s3cr3t-not-infras\n"
                + "DATABASE_URL=postgres://antenna:pw@db/antenna\n" + (withNatsUrl ? "NATS_URL=nats://nats:4222\n" : ""));
        lab.put(host, "~/ami-platform/.envs/.production/.postgres", "POSTGRES_USER=antenna\nPOSTGRES_PASSWORD=pg-s3cr3t\n");
        lab.put(host, "~/ami-platform/.envs/.production/.compose", "DATABASE_IP=" + prefix + ".2\nRABBITMQ_IP=" + prefix + ".3\n"
                + "REDIS_IP=" + prefix + ".4\nNATS_IP=" + lab.natsIp() + "\n");
        lab.sh(host, "cd ~/ami-platform && docker-compose -f " + composeFile + " --env-file .envs/.production/.compose up -d --build 2>&1");
    }

}
