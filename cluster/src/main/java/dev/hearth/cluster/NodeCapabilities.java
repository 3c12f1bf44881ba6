package dev.hearth.cluster;

import java.io.Serializable;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What a node advertises in the cluster state: its Hazelcast member id, where its gRPC stage service listens, the
 * memory it lends to stages, its threads and the model files it holds. Signed with the cluster secret.
 */
public record NodeCapabilities(String nodeId, String host, int grpcPort, long memoryBudgetBytes, int threads,
                               List<HeldModel> models, String signature) implements Serializable {
    public NodeCapabilities {
        models = List.copyOf(models);
    }

    /** The text the signature covers: every field but the signature. */
    String signedText() {
        return nodeId + "|" + host + ":" + grpcPort + "|" + memoryBudgetBytes + "|" + threads + "|"
                + models.stream().map(m -> m.fileName() + "=" + m.sha256() + "/" + m.bytes()).collect(Collectors.joining(","));
    }

    NodeCapabilities signedWith(ClusterSecret secret) {
        return new NodeCapabilities(nodeId, host, grpcPort, memoryBudgetBytes, threads, models, secret.sign(signedText()));
    }

    boolean holds(String sha256) {
        return models.stream().anyMatch(m -> m.sha256().equals(sha256));
    }

    public String target() {
        return host + ":" + grpcPort;
    }
}
