package dev.infra.render;

import dev.infra.units.ByteSize;

/**
 * A NATS server a host runs, and what it must report once running: JetStream on, its store on the
 * named volume, the declared limits, and the size of the cluster it belongs to.
 *
 * @param address     where the fleet's containers reach it (its private address)
 * @param clusterSize how many servers the fleet's NATS has (1, or 3/5 in a cluster)
 */
public record NatsServer(String host, String address, String image, String project, String service,
                         int clientPort, int monitorPort, String storeDir, String volume,
                         ByteSize maxMemory, ByteSize maxFile, int clusterSize) {

    public NatsEndpoint client() {
        return new NatsEndpoint(host, address, clientPort);
    }
}
