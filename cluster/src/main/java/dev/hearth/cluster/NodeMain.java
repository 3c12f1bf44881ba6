package dev.hearth.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a stage node until it is killed: {@code NodeMain --cluster NAME [--seed host:port]... [--hazelcast-port P]
 * [--bind HOST] [--memory-budget BYTES] [--threads N] [--model FILE]... [--inject-delay-ms MS]
 * [--wire-format f32|bf16|f16]}; the secret comes from the environment variable {@code HEARTH_CLUSTER_SECRET}.
 * Prints {@code READY <node id> <grpc target> members=<n>} once it has joined.
 */
public final class NodeMain {
    private NodeMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        String cluster = null;
        List<String> seeds = new ArrayList<>();
        int hazelcastPort = NodeSettings.DEFAULT_HAZELCAST_PORT;
        String bind = null;
        long budget = DataSizes.halfOfPhysicalMemory();
        int threads = 1;
        List<Path> models = new ArrayList<>();
        long delayMillis = 0;
        WireFormat wireFormat = WireFormat.F32;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--cluster" -> cluster = value;
                case "--seed" -> seeds.add(value);
                case "--hazelcast-port" -> hazelcastPort = Integer.parseInt(value);
                case "--bind" -> bind = value;
                case "--memory-budget" -> budget = DataSizes.parse(value);
                case "--threads" -> threads = Integer.parseInt(value);
                case "--model" -> models.add(Path.of(value));
                case "--inject-delay-ms" -> delayMillis = Long.parseLong(value);
                case "--wire-format" -> wireFormat = WireFormat.parse(value);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
            i++;
        }
        if (cluster == null) {
            throw new IllegalArgumentException("--cluster NAME is required");
        }
        NodeSettings settings = new NodeSettings(cluster, ClusterSecret.fromEnvironment("HEARTH_CLUSTER_SECRET"), seeds,
                hazelcastPort, 0, Optional.ofNullable(bind), budget, threads, models, Duration.ofMillis(delayMillis),
                wireFormat);
        ClusterNode node = ClusterNode.start(settings);
        Runtime.getRuntime().addShutdownHook(new Thread(node::close, "hearth-node-shutdown"));
        System.out.println("READY " + node.nodeId() + " " + node.capabilities().target() + " members=" + node.members().size());
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
