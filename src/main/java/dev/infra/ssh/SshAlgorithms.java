package dev.infra.ssh;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.schmizz.sshj.Config;
import net.schmizz.sshj.ConfigImpl;
import net.schmizz.sshj.DefaultConfig;
import net.schmizz.sshj.common.Factory;
import net.schmizz.sshj.transport.cipher.Cipher;
import net.schmizz.sshj.transport.random.JCERandom;
import net.schmizz.sshj.transport.random.SingletonRandomFactory;

/**
 * The algorithms infra's SSH client offers. sshj's {@link DefaultConfig} tries every cipher it knows
 * when it is built (each one instantiated and initialised); built once per host, every connection
 * repeated that work. It is built once per run, and each client gets its (stateless) factory lists with
 * a random source of its own.
 *
 * <p>Ciphers and MACs are offered in OpenSSH's own default order, the ones OpenSSH no longer enables
 * by default left out (CBC modes, arcfour, blowfish, cast, 3DES, MD5, RIPEMD). The system property
 * {@value #CIPHERS_PROPERTY} (comma-separated, as in ssh_config's {@code Ciphers}) replaces the cipher
 * order for a run: how bench/scale compares them.
 */
public final class SshAlgorithms {
    public static final String CIPHERS_PROPERTY = "infra.ssh.ciphers";
    /**
     * OpenSSH's client order. Measured (bench/scale, plan of 50 hosts): AES-GCM, ChaCha20-Poly1305 and
     * AES-CTR first all gave 7.84-7.85 s; what a plan sends is too little for the cipher to matter.
     */
    static final List<String> CIPHERS = List.of("chacha20-poly1305@openssh.com", "aes128-ctr", "aes192-ctr", "aes256-ctr",
            "aes128-gcm@openssh.com", "aes256-gcm@openssh.com");
    static final List<String> MACS = List.of("hmac-sha2-256-etm@openssh.com", "hmac-sha2-512-etm@openssh.com",
            "hmac-sha2-256", "hmac-sha2-512", "hmac-sha1-etm@openssh.com", "hmac-sha1");

    private SshAlgorithms() {}

    private static final class Defaults {
        static final DefaultConfig CONFIG = new DefaultConfig();
    }

    /** A config for one client: the shared algorithm lists, its own random source. */
    public static Config forClient() {
        DefaultConfig d = Defaults.CONFIG;
        ConfigImpl c = new ConfigImpl();
        c.setVersion(d.getVersion());
        c.setLoggerFactory(d.getLoggerFactory());
        c.setKeepAliveProvider(d.getKeepAliveProvider());
        c.setKeyExchangeFactories(d.getKeyExchangeFactories());
        c.setKeyAlgorithms(d.getKeyAlgorithms());
        c.setFileKeyProviderFactories(d.getFileKeyProviderFactories());
        c.setCompressionFactories(d.getCompressionFactories());
        List<Factory.Named<Cipher>> ciphers = ordered(d.getCipherFactories(), cipherPreference());
        c.setCipherFactories(ciphers.isEmpty() ? ordered(d.getCipherFactories(), CIPHERS) : ciphers);
        c.setMACFactories(ordered(d.getMACFactories(), MACS));
        c.setVerifyHostKeyCertificates(d.isVerifyHostKeyCertificates());
        c.setWaitForServerIdentBeforeSendingClientIdent(d.isWaitForServerIdentBeforeSendingClientIdent());
        c.setMaxCircularBufferSize(d.getMaxCircularBufferSize());
        c.setRandomFactory(new SingletonRandomFactory(new JCERandom.Factory()));
        return c;
    }

    static List<String> cipherPreference() {
        List<String> named = Arrays.stream(System.getProperty(CIPHERS_PROPERTY, "").split(","))
                .map(String::strip).filter(s -> !s.isEmpty()).toList();
        return named.isEmpty() ? CIPHERS : named;
    }

    /** The factories named in {@code preference}, in its order; names sshj does not offer are skipped. */
    static <T> List<Factory.Named<T>> ordered(List<Factory.Named<T>> available, List<String> preference) {
        Map<String, Factory.Named<T>> byName = new LinkedHashMap<>();
        available.forEach(f -> byName.putIfAbsent(f.getName(), f));
        List<Factory.Named<T>> out = new ArrayList<>();
        for (String name : preference) {
            Factory.Named<T> f = byName.get(name);
            if (f != null) {
                out.add(f);
            }
        }
        return out;
    }
}
