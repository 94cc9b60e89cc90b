package dev.infra.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The engine's answers as EngineApi reads them (the real engine: ObserverContainersTest). */
class EngineApiTest {
    static final String HEAD = "HTTP/1.0 200 OK\r\nApi-Version: 1.41\r\nContent-Type: application/json\r\n\r\n";

    @Test
    void listsThenInspectsEveryContainerOneObjectALine() {
        List<String> asked = new ArrayList<>();
        String all = EngineApi.inspectAll(request -> {
            String r = new String(request, StandardCharsets.US_ASCII);
            asked.add(r.lines().findFirst().orElseThrow());
            assertThat(r).endsWith("\r\n\r\n").contains("Host: docker\r\n");
            if (r.startsWith("GET /containers/json?all=1 ")) {
                return HEAD + "[{\"Id\":\"ab12\",\"Names\":[\"/a\"]},{\"Id\":\"cd34\",\"Names\":[\"/b\"]}]\n";
            }
            return HEAD + "{\"Id\":\"" + r.substring(16, 20) + "\"}\n";
        });
        assertThat(asked).containsExactlyInAnyOrder("GET /containers/json?all=1 HTTP/1.0", "GET /containers/ab12/json HTTP/1.0",
                "GET /containers/cd34/json HTTP/1.0");
        assertThat(all).isEqualTo("{\"Id\":\"ab12\"}\n{\"Id\":\"cd34\"}\n");
    }

    @Test
    void noContainersIsNothingToInspect() {
        assertThat(EngineApi.inspectAll(request -> HEAD + "[]")).isEmpty();
    }

    @Test
    void anEngineErrorSaysTheEnginesOwnMessage() {
        assertThatThrownBy(() -> EngineApi.get(request -> "HTTP/1.0 500 Internal Server Error\r\nContent-Type: application/json\r\n\r\n"
                + "{\"message\":\"layer does not exist\"}\n", "/containers/json?all=1"))
                .hasMessage("the Docker engine answered GET /containers/json?all=1 with 500: layer does not exist");
    }

    @Test
    void somethingElseOnTheSocketIsNotTakenForTheEngine() {
        assertThatThrownBy(() -> EngineApi.get(request -> "SSH-2.0-OpenSSH_9.2\r\n", "/containers/json?all=1"))
                .hasMessageStartingWith("the Docker engine's answer to GET /containers/json?all=1 is not HTTP: SSH-2.0");
        assertThatThrownBy(() -> EngineApi.get(request -> "", "/containers/json?all=1")).hasMessageContaining("is not HTTP");
    }
}
