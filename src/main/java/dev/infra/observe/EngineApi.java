package dev.infra.observe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.infra.ssh.Background;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A host's containers read from its Docker engine's API over the engine's Unix socket, the socket
 * reached through the SSH connection itself (OpenSSH's streamlocal forwarding): the engine answers
 * and no process starts on the host — no docker CLI (tens of milliseconds of a host's CPU per run),
 * no curl (~10 ms each). One request lists the containers; their inspects then go out at once, one
 * channel each. Requests are HTTP/1.0, which the engine answers whole and then closes: the answer is
 * everything read until the end, never chunked.
 */
public final class EngineApi {
    /** Where the docker CLI finds the engine when neither DOCKER_HOST nor a CLI context says otherwise. */
    public static final String SOCKET = "/var/run/docker.sock";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request to the engine's socket, its whole answer back. */
    @FunctionalInterface
    public interface Exchange {
        String send(byte[] request);
    }

    private EngineApi() {}

    /** Every container of the engine as `docker inspect` gives it (the same fields), one JSON object a line. */
    public static String inspectAll(Exchange engine) {
        List<CompletableFuture<String>> inspects = new ArrayList<>();
        for (String id : ids(get(engine, "/containers/json?all=1"))) {
            inspects.add(CompletableFuture.supplyAsync(() -> get(engine, "/containers/" + id + "/json"), Background.THREAD_PER_TASK));
        }
        StringBuilder out = new StringBuilder();
        try {
            for (CompletableFuture<String> f : inspects) {
                out.append(f.join().strip()).append('\n');
            }
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
        return out.toString();
    }

    /** The body of the engine's answer to GET {@code path}; an answer other than 200 is an error with the engine's own message. */
    static String get(Exchange engine, String path) {
        return body(path, engine.send(request(path)));
    }

    static byte[] request(String path) {
        return ("GET " + path + " HTTP/1.0\r\nHost: docker\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    static String body(String path, String answer) {
        int end = answer.indexOf("\r\n\r\n");
        String[] status = answer.substring(0, Math.max(0, answer.indexOf("\r\n"))).split(" ", 3);
        if (end < 0 || status.length < 2 || !status[0].startsWith("HTTP/")) {
            throw new IllegalStateException("the Docker engine's answer to GET " + path + " is not HTTP: "
                    + answer.substring(0, Math.min(80, answer.length())).strip());
        }
        String body = answer.substring(end + 4);
        if (!status[1].equals("200")) {
            throw new IllegalStateException("the Docker engine answered GET " + path + " with " + status[1] + ": " + message(body));
        }
        return body;
    }

    private static String message(String body) {
        try {
            return JSON.readTree(body).path("message").asText(body.strip());
        } catch (IOException e) {
            return body.strip();
        }
    }

    /** The ids of a container listing (GET /containers/json). */
    static List<String> ids(String listing) {
        try {
            List<String> ids = new ArrayList<>();
            for (JsonNode c : JSON.readTree(listing)) {
                ids.add(c.path("Id").asText());
            }
            return ids.stream().filter(id -> id.matches("[0-9a-f]+")).toList();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the Docker engine's container list: " + e.getMessage(), e);
        }
    }
}
