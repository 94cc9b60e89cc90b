package dev.infra.lab;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.ExecCreateCmdResponse;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The local Docker Engine, through docker-java; plus the one helper every lab step needs: exec. */
public final class LabDocker {
    private LabDocker() {}

    public static DockerClient connect() {
        // No API version is pinned: the engine here is 20.10 (API 1.41) and answers 400 to newer ones.
        DockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder().build();
        ZerodepDockerHttpClient http = new ZerodepDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .maxConnections(32)
                .connectionTimeout(Duration.ofSeconds(5))
                .responseTimeout(Duration.ofMinutes(15))
                .build();
        DockerClient docker = DockerClientImpl.getInstance(config, http);
        try {
            docker.pingCmd().exec();
        } catch (RuntimeException e) {
            throw new LabException("cannot reach the Docker Engine at " + config.getDockerHost()
                    + " — start it (.ci/setup installs and starts dockerd): " + e.getMessage(), e);
        }
        return docker;
    }

    public record ExecResult(long exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    /** Runs a command in a running container and waits for it, at most {@code timeout}. */
    public static ExecResult exec(DockerClient docker, String container, Duration timeout, String... command) {
        ExecCreateCmdResponse created = docker.execCreateCmd(container)
                .withCmd(command).withAttachStdout(true).withAttachStderr(true).exec();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ResultCallback.Adapter<Frame> callback = new ResultCallback.Adapter<>() {
            @Override
            public void onNext(Frame frame) {
                synchronized (out) {
                    out.writeBytes(frame.getPayload());
                }
            }
        }) {
            docker.execStartCmd(created.getId()).exec(callback);
            if (!callback.awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return new ExecResult(124, "timed out after " + timeout.toSeconds() + " s: " + String.join(" ", command));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted", e);
        } catch (IOException e) {
            throw new LabException("exec in " + container + " failed: " + e.getMessage(), e);
        }
        Long code = docker.inspectExecCmd(created.getId()).exec().getExitCodeLong();
        return new ExecResult(code == null ? -1 : code, out.toString(StandardCharsets.UTF_8));
    }
}
