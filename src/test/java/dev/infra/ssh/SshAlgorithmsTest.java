package dev.infra.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.schmizz.sshj.Config;
import net.schmizz.sshj.common.Factory;
import org.junit.jupiter.api.Test;

class SshAlgorithmsTest {
    static List<String> names(List<? extends Factory.Named<?>> factories) {
        return factories.stream().map(Factory.Named::getName).toList();
    }

    @Test
    void offersModernCiphersAndMacsInOurOrderOnly() {
        Config c = SshAlgorithms.forClient();
        assertThat(names(c.getCipherFactories())).containsExactlyElementsOf(SshAlgorithms.CIPHERS);
        assertThat(names(c.getMACFactories())).containsExactlyElementsOf(SshAlgorithms.MACS);
        assertThat(names(c.getCipherFactories())).noneMatch(n -> n.contains("cbc") || n.contains("arcfour") || n.contains("blowfish"));
        assertThat(names(c.getKeyExchangeFactories())).first().asString().startsWith("curve25519-sha256");
    }

    @Test
    void everyClientHasItsOwnRandomSourceButTheSameAlgorithms() {
        Config a = SshAlgorithms.forClient();
        Config b = SshAlgorithms.forClient();
        assertThat(a.getRandomFactory()).isNotSameAs(b.getRandomFactory());
        assertThat(a.getKeyExchangeFactories()).isSameAs(b.getKeyExchangeFactories());
    }

    @Test
    void thePropertyReordersCiphersAndUnknownNamesAreSkipped() {
        System.setProperty(SshAlgorithms.CIPHERS_PROPERTY, "chacha20-poly1305@openssh.com, no-such-cipher ,aes128-ctr");
        try {
            assertThat(names(SshAlgorithms.forClient().getCipherFactories()))
                    .containsExactly("chacha20-poly1305@openssh.com", "aes128-ctr");
        } finally {
            System.clearProperty(SshAlgorithms.CIPHERS_PROPERTY);
        }
        System.setProperty(SshAlgorithms.CIPHERS_PROPERTY, " , ");
        try {
            assertThat(SshAlgorithms.cipherPreference()).isEqualTo(SshAlgorithms.CIPHERS);
        } finally {
            System.clearProperty(SshAlgorithms.CIPHERS_PROPERTY);
        }
    }
}
