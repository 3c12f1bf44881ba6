package dev.hearth.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How a node joins and what it lends.
 *
 * @param clusterName       the cluster's name; with a secret the Hazelcast name is derived from both
 * @param seeds             {@code host[:port]} Hazelcast members to join over TCP; empty means multicast discovery
 * @param hazelcastPort     first Hazelcast port to try (the next 19 are tried too)
 * @param grpcPort          port of the stage service, 0 for any free port
 * @param bindHost          interface for both planes; without a secret it is forced to 127.0.0.1
 * @param memoryBudgetBytes bytes of weights and KV cache this node lends to stages
 * @param threads           worker threads per hosted stage
 * @param models            model files this node holds and may serve stages of
 * @param injectedBlockDelay a pause before every block this node computes: fault injection, to show a slow node
 * @param wireFormat        the only format of hidden states this node's stages take and answer in (and the one it
 *                          sends when it coordinates); every node of a cluster is set to the same one
 */
public record NodeSettings(String clusterName, ClusterSecret secret, List<String> seeds, int hazelcastPort, int grpcPort,
                           Optional<String> bindHost, long memoryBudgetBytes, int threads, List<Path> models,
                           Duration injectedBlockDelay, WireFormat wireFormat) {
    public static final int DEFAULT_HAZELCAST_PORT = 5701;

    public NodeSettings {
        Objects.requireNonNull(clusterName, "clusterName");
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(injectedBlockDelay, "injectedBlockDelay");
        Objects.requireNonNull(wireFormat, "wireFormat");
        seeds = List.copyOf(seeds);
        models = List.copyOf(models);
        if (clusterName.isBlank()) {
            throw new IllegalArgumentException("cluster name is blank");
        }
        if (memoryBudgetBytes < 0 || threads < 1) {
            throw new IllegalArgumentException("memory budget must be >= 0 and threads >= 1");
        }
    }

    public NodeSettings(String clusterName, ClusterSecret secret, List<String> seeds, int hazelcastPort, int grpcPort,
                        Optional<String> bindHost, long memoryBudgetBytes, int threads, List<Path> models) {
        this(clusterName, secret, seeds, hazelcastPort, grpcPort, bindHost, memoryBudgetBytes, threads, models,
                Duration.ZERO, WireFormat.F32);
    }

    /** These settings with another wire format. */
    public NodeSettings withWireFormat(WireFormat format) {
        return new NodeSettings(clusterName, secret, seeds, hazelcastPort, grpcPort, bindHost, memoryBudgetBytes, threads,
                models, injectedBlockDelay, format);
    }

    /** The interface both planes bind: 127.0.0.1 without a secret, else the one asked for (all interfaces if none). */
    public String effectiveBindHost() {
        return secret.present() ? bindHost.orElse("0.0.0.0") : "127.0.0.1";
    }
}
