package dev.infra.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infra.testing.LocalSh;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Quoting is checked against a real sh: what goes in is exactly what the command sees. */
class ShellTest {
    @ParameterizedTest
    @ValueSource(strings = {"plain", "with space", "it's", "$HOME", "`id`", "a\"b", "semi;colon", "new\nline", "*", "", "-n", "\\back"})
    void aQuotedArgumentReachesTheCommandUnchanged(String arg) {
        assertThat(LocalSh.run("printf %s " + Shell.quote(arg)).output()).isEqualTo(arg);
    }

    @ParameterizedTest
    @ValueSource(strings = {"~/ami-platform/.envs/.production/.django", "~/dir with space/f", "/etc/x"})
    void homePathsExpandOnTheHostAndNothingElseDoes(String path) {
        String expected = path.startsWith("~/") ? System.getenv("HOME") + path.substring(1) : path;
        assertThat(LocalSh.run("printf %s " + Shell.path(path)).output()).isEqualTo(expected);
    }

    @Test
    void joinQuotesEachWord() {
        assertThat(Shell.join(List.of("up", "-d", "svc one"))).isEqualTo("up -d 'svc one'");
    }
}
