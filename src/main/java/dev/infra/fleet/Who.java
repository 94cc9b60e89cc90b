package dev.infra.fleet;

import java.io.IOException;
import java.net.InetAddress;

/** Who runs infra, as the lock, the audit log and the prompts name them: {@code user@host}. */
public final class Who {
    private Who() {}

    public static String current() {
        return System.getProperty("user.name") + "@" + hostName();
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
