package dev.infra.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
        Properties p = new Properties();
        try (InputStream in = VersionProvider.class.getResourceAsStream("/infra-version.properties")) {
            if (in != null) {
                p.load(in);
            }
        }
        return new String[] {"infra " + p.getProperty("version", "unknown"),
                "Java " + System.getProperty("java.version")};
    }
}
