package dev.hearth.examples;

import dev.hearth.api.InferenceClient;
import dev.hearth.cluster.Cluster;
import dev.hearth.cluster.ClusterSecret;
import dev.hearth.cluster.ClusterSpec;
import dev.hearth.cluster.DataSizes;
import dev.hearth.cluster.WireFormat;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Options that put a command's model on a cluster: {@code --cluster NAME [--seed host:port]... --memory-budget 3GiB}.
 * The secret comes from {@code HEARTH_CLUSTER_SECRET}; without it every node binds 127.0.0.1 only.
 */
final class ClusterOptions {
    @Option(names = "--cluster", paramLabel = "NAME", description = "run the model across the cluster of this name")
    String cluster;

    @Option(names = "--seed", paramLabel = "HOST:PORT",
            description = "a cluster member to join over TCP (repeat; default: multicast discovery on the LAN)")
    List<String> seeds = new ArrayList<>();

    @Option(names = "--memory-budget", paramLabel = "SIZE",
            description = "memory this node lends to stages, e.g. 3GiB (default: half the physical memory)")
    String memoryBudget;

    @Option(names = "--hazelcast-port", description = "first cluster port to try (default: ${DEFAULT-VALUE})", defaultValue = "5701")
    int hazelcastPort;

    @Option(names = "--bind", paramLabel = "HOST", description = "interface of both cluster planes when a secret is set (default: all)")
    String bind;

    @Option(names = "--await-nodes", description = "wait for this many nodes (this one included) before planning (default: ${DEFAULT-VALUE})",
            defaultValue = "1")
    int awaitNodes;

    @Option(names = "--wire-format", paramLabel = "f32|bf16|f16", defaultValue = "f32",
            description = "how hidden states cross between stages: f32 is exact, bf16 and f16 halve the bytes per hop"
                    + " and move the logits slightly; every node of a cluster needs the same (default: ${DEFAULT-VALUE})")
    String wireFormat;

    boolean enabled() {
        return cluster != null && !cluster.isBlank();
    }

    ClusterSecret secret() {
        return ClusterSecret.fromEnvironment("HEARTH_CLUSTER_SECRET");
    }

    WireFormat wireFormat() {
        return WireFormat.parse(wireFormat);
    }

    long budget() {
        return memoryBudget == null ? DataSizes.halfOfPhysicalMemory() : DataSizes.parse(memoryBudget);
    }

    ClusterSpec spec(Path model, Integer threads, Integer context) {
        ClusterSpec spec = Cluster.join(cluster, model).secret(secret()).hazelcastPort(hazelcastPort)
                .memoryBudget(budget()).awaitNodes(awaitNodes, Duration.ofSeconds(60)).wireFormat(wireFormat());
        seeds.forEach(spec::seed);
        if (bind != null) {
            spec.bindHost(bind);
        }
        if (threads != null) {
            spec.threads(threads);
        }
        if (context != null) {
            spec.contextLength(context);
        }
        return spec;
    }

    InferenceClient openClient(Path model, Integer threads, Integer context) {
        return InferenceClient.builder().runtime(spec(model != null ? model : DefaultModel.resolve(), threads, context))
                .build();
    }
}
