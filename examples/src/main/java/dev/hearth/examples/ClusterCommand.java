package dev.hearth.examples;

import dev.hearth.cluster.ClusterNode;
import dev.hearth.cluster.ClusterRuntimeProvider;
import dev.hearth.cluster.DataSizes;
import dev.hearth.cluster.ModelFiles;
import dev.hearth.cluster.NodeSettings;
import dev.hearth.cluster.Placement;
import dev.hearth.cluster.PlacementCandidate;
import dev.hearth.cluster.PlacementPlanner;
import dev.hearth.local.stage.ModelLayout;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code hearth cluster node|plan}: lend this machine's memory to a cluster, or show how a model would be split. */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = "Runs a stage node of a cluster, or prints how a model's layers would be placed on it.",
        subcommands = {ClusterCommand.Node.class, ClusterCommand.Plan.class, ClusterBench.class})
final class ClusterCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "node", mixinStandardHelpOptions = true,
            description = "Joins the cluster and hosts stages of the given model files until stopped (Ctrl-C).")
    static final class Node implements Callable<Integer> {
        @Mixin
        ClusterOptions cluster;

        @Option(names = "--model", paramLabel = "FILE", required = true, description = "a GGUF file this node serves stages of (repeat)")
        List<Path> models;

        @Option(names = "--threads", description = "worker threads per stage (default: available processors)")
        Integer threads;

        @Override
        public Integer call() throws InterruptedException {
            if (!cluster.enabled()) {
                throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "--cluster NAME is required");
            }
            NodeSettings settings = new NodeSettings(cluster.cluster, cluster.secret(), cluster.seeds,
                    cluster.hazelcastPort, 0, Optional.ofNullable(cluster.bind), cluster.budget(),
                    threads != null ? threads : Runtime.getRuntime().availableProcessors(), models)
                    .withWireFormat(cluster.wireFormat());
            CountDownLatch stop = new CountDownLatch(1);
            try (ClusterNode node = ClusterNode.start(settings)) {
                Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "hearth-cluster-node-shutdown"));
                System.out.println("Node " + node.nodeId() + " of cluster '" + cluster.cluster + "': stages on "
                        + node.capabilities().target() + ", budget " + cluster.budget() + " bytes, "
                        + cluster.wireFormat().label() + " activations, "
                        + node.members().size() + " member(s); Ctrl-C stops.");
                stop.await();
            }
            return 0;
        }
    }

    @Command(name = "plan", mixinStandardHelpOptions = true,
            description = {"Prints the placement of a model and the memory of each stage before anything loads:",
                    "over the live nodes of --cluster NAME, or over hypothetical --budgets 3GiB,2GiB."})
    static final class Plan implements Callable<Integer> {
        @Mixin
        ClusterOptions cluster;

        @Option(names = "--model", paramLabel = "FILE", required = true, description = "the GGUF file")
        Path model;

        @Option(names = "--context", description = "context length every stage holds (default: ${DEFAULT-VALUE})", defaultValue = "2048")
        int context;

        @Option(names = "--budgets", split = ",", paramLabel = "SIZE", description = "plan over nodes with these budgets instead of a cluster")
        List<String> budgets = new ArrayList<>();

        @Override
        public Integer call() {
            ModelLayout layout = ModelLayout.read(model);
            String sha = ModelFiles.sha256(model);
            Placement plan;
            if (!budgets.isEmpty()) {
                List<PlacementCandidate> nodes = new ArrayList<>();
                for (int i = 0; i < budgets.size(); i++) {
                    nodes.add(new PlacementCandidate("node-" + (i + 1), DataSizes.parse(budgets.get(i)), true, i == 0));
                }
                plan = PlacementPlanner.plan(sha, layout, context, nodes, Integer.MAX_VALUE);
            } else if (cluster.enabled()) {
                // this process joins with no budget: it observes and plans, it hosts nothing
                NodeSettings settings = new NodeSettings(cluster.cluster, cluster.secret(), cluster.seeds,
                        cluster.hazelcastPort, 0, Optional.ofNullable(cluster.bind), 0, 1, List.of(model));
                try (ClusterNode node = ClusterNode.start(settings)) {
                    node.awaitNodes(cluster.awaitNodes, Duration.ofSeconds(30));
                    plan = ClusterRuntimeProvider.plan(node, model, sha, context, Integer.MAX_VALUE);
                }
            } else {
                throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                        "give --cluster NAME (plan over its live nodes) or --budgets SIZE,SIZE");
            }
            System.out.printf("%s: %d layers, sha256 %s, context %d%n", model.getFileName(), layout.layerCount(), sha, context);
            System.out.println(plan.describe());
            return 0;
        }
    }
}
