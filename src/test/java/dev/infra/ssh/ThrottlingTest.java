package dev.infra.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import net.schmizz.sshj.transport.TransportException;
import net.schmizz.sshj.userauth.UserAuthException;
import org.junit.jupiter.api.Test;

class ThrottlingTest {
    static SshException failed(Throwable cause) {
        return new SshException("w01", "cannot connect to root@w01: " + cause.getMessage(), cause);
    }

    @Test
    void aConnectionClosedOrResetBeforeTheHandshakeEndedIsADrop() {
        // What sshj says when OpenSSH drops a connection past MaxStartups (seen in ThrottledSshdContainersTest).
        assertThat(Throttling.dropped(failed(new TransportException("Server closed connection during identification exchange",
                new TransportException("Server closed connection during identification exchange"))))).isTrue();
        assertThat(Throttling.dropped(failed(new TransportException("Broken transport; encountered EOF")))).isTrue();
        assertThat(Throttling.dropped(failed(new TransportException(new SocketException("Connection reset"))))).isTrue();
        assertThat(Throttling.dropped(failed(new EOFException()))).isTrue();
    }

    @Test
    void aHostThatIsDownRefusesUsOrIsNotWhoItSaysIsNoDrop() {
        assertThat(Throttling.dropped(failed(new ConnectException("Connection refused")))).isFalse();
        assertThat(Throttling.dropped(failed(new UserAuthException("Exhausted available authentication methods")))).isFalse();
        assertThat(Throttling.dropped(new HostKeyRejected("w01", "the host key changed"))).isFalse();
        assertThat(Throttling.dropped(failed(new IOException("No route to host")))).isFalse();
    }

    @Test
    void pausesDoubleUpToALimitAndSpreadOut() {
        assertThat(Throttling.pauseMillis(1, 0.0)).isEqualTo(50);
        assertThat(Throttling.pauseMillis(1, 0.999)).isBetween(145L, 149L);
        assertThat(Throttling.pauseMillis(2, 0.0)).isEqualTo(100);
        assertThat(Throttling.pauseMillis(5, 0.0)).isEqualTo(800);
        assertThat(Throttling.pauseMillis(30, 0.999)).isLessThan(2400);
    }
}
