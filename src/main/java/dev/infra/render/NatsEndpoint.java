package dev.infra.render;

/**
 * One NATS server as some host must reach it: {@code host} is its inventory name, {@code address}
 * where this path reaches it (the private address for containers, the SSH address for a jump host).
 */
public record NatsEndpoint(String host, String address, int port) {
    public String target() {
        return address + ":" + port;
    }
}
