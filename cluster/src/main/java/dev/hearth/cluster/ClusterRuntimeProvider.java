package dev.hearth.cluster;

import dev.hearth.api.ConfigurationException;
import dev.hearth.api.spi.InferenceRuntime;
import dev.hearth.api.spi.Locality;
import dev.hearth.api.spi.NamedRuntimeSpec;
import dev.hearth.api.spi.RuntimeProvider;
import dev.hearth.api.spi.RuntimeSpec;
import dev.hearth.local.stage.GgufChat;
import dev.hearth.local.stage.ModelLayout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Opens a model across a cluster for {@code InferenceClient}; found through {@link java.util.ServiceLoader} under the
 * name {@value ClusterSpec#PROVIDER}. Accepts a {@link ClusterSpec} or named settings {@code name} and {@code model}
 * (required), {@code secret}, {@code seeds} (comma-separated host:port), {@code memoryBudget} (bytes),
 * {@code threads}, {@code contextLength}, {@code maxStages}, {@code awaitNodes}, {@code resumeOnFailure},
 * {@code wireFormat} ({@code f32}, {@code bf16}, {@code f16}).
 */
public final class ClusterRuntimeProvider implements RuntimeProvider {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterRuntimeProvider.class);
    private static final Set<String> SETTINGS = Set.of("name", "model", "secret", "seeds", "memoryBudget", "threads",
            "contextLength", "maxStages", "awaitNodes", "resumeOnFailure", "wireFormat");

    @Override
    public String name() {
        return ClusterSpec.PROVIDER;
    }

    @Override
    public InferenceRuntime open(RuntimeSpec spec) {
        ClusterSpec cluster = switch (spec) {
            case ClusterSpec typed -> typed;
            case NamedRuntimeSpec named -> fromSettings(named.settings());
            default -> throw new ConfigurationException("The cluster provider cannot open a " + spec.getClass().getName()
                    + "; use Cluster.join(name).model(path)");
        };
        Path model = cluster.model().orElseThrow(() -> new ConfigurationException(
                "the cluster runtime needs a model: Cluster.join(name).model(path)"));
        ClusterNode node = ClusterNode.start(cluster.nodeSettings());
        try {
            RemoteStagePipeline pipeline = openPipeline(node, model, cluster);
            Locality locality = pipeline.placement().stages().size() == 1 ? Locality.IN_PROCESS : Locality.TRUSTED_PEER;
            return GgufChat.open(model, pipeline, ClusterSpec.PROVIDER, locality);
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
    }

    /** Plans the model over the node's cluster and opens the pipeline (which closes {@code node} with itself). */
    static RemoteStagePipeline openPipeline(ClusterNode node, Path model, ClusterSpec cluster) {
        if (!node.awaitNodes(cluster.minNodes(), cluster.joinTimeout())) {
            LOG.warn("Only {} of the {} awaited nodes joined within {}; planning over those", node.liveNodes().size(),
                    cluster.minNodes(), cluster.joinTimeout());
        }
        String sha = node.capabilities().models().getFirst().sha256();
        Placement placement = plan(node, model, sha, cluster.contextLength(), cluster.maxStages());
        node.publish(placement);
        LOG.info("Placement of {} over {} stage(s):\n{}", model.getFileName(), placement.stages().size(),
                placement.describe());
        Map<String, NodeCapabilities> nodes = node.liveNodes().stream()
                .collect(Collectors.toMap(NodeCapabilities::nodeId, Function.identity()));
        RemoteStagePipeline pipeline = RemoteStagePipeline.open(placement, model, nodes, node.nodeId(),
                node.settings().secret(), cluster.threads(), cluster.timeouts(), node);
        pipeline.wireFormat(cluster.wireFormat());
        if (cluster.resumeOnFailure()) {
            pipeline.resumeOnFailure(failed -> replan(node, model, sha, cluster, failed));
        }
        pipeline.replanOnMembershipChange(none -> node.settled() ? replan(node, model, sha, cluster, none)
                : Optional.empty(), node::membershipVersion);
        return pipeline;
    }

    private static Optional<Replanner.Replan> replan(ClusterNode node, Path model, String sha, ClusterSpec cluster,
                                                      Set<String> failedTargets) {
        // a killed node may still be a member for a moment (up to the failure-detection bound): leave it out by address
        List<NodeCapabilities> survivors = node.liveNodes().stream()
                .filter(n -> !failedTargets.contains(n.target())).toList();
        List<PlacementCandidate> candidates = survivors.stream()
                .map(n -> new PlacementCandidate(n.nodeId(), n.memoryBudgetBytes(), n.holds(sha),
                        n.nodeId().equals(node.nodeId())))
                .toList();
        try {
            Placement placement = PlacementPlanner.plan(sha, ModelLayout.read(model), cluster.contextLength(), candidates,
                    cluster.maxStages());
            node.publish(placement);
            return Optional.of(new Replanner.Replan(placement, survivors.stream()
                    .collect(Collectors.toMap(NodeCapabilities::nodeId, Function.identity()))));
        } catch (PlacementException e) {
            LOG.warn("Cannot resume on the surviving nodes: {}", e.getMessage());
            return Optional.empty();
        }
    }

    /** The plan of {@code model} over the node's live cluster. */
    public static Placement plan(ClusterNode node, Path model, String sha, int contextLength, int maxStages) {
        List<PlacementCandidate> candidates = node.liveNodes().stream()
                .map(n -> new PlacementCandidate(n.nodeId(), n.memoryBudgetBytes(), n.holds(sha),
                        n.nodeId().equals(node.nodeId())))
                .toList();
        return PlacementPlanner.plan(sha, ModelLayout.read(model), contextLength, candidates, maxStages);
    }

    private static ClusterSpec fromSettings(Map<String, String> settings) {
        for (String key : settings.keySet()) {
            if (!SETTINGS.contains(key)) {
                throw new ConfigurationException("Unknown cluster setting '" + key + "'; known settings: " + SETTINGS);
            }
        }
        String name = settings.get("name");
        String model = settings.get("model");
        if (name == null || model == null) {
            throw new ConfigurationException("the cluster runtime needs the settings 'name' and 'model'");
        }
        ClusterSpec spec = Cluster.join(name.trim()).model(Path.of(model.trim()));
        if (settings.containsKey("secret")) {
            spec.secret(settings.get("secret"));
        }
        if (settings.containsKey("seeds")) {
            for (String seed : settings.get("seeds").split(",")) {
                if (!seed.isBlank()) {
                    spec.seed(seed.trim());
                }
            }
        }
        if (settings.containsKey("memoryBudget")) {
            spec.memoryBudget(parse(settings, "memoryBudget"));
        }
        if (settings.containsKey("threads")) {
            spec.threads((int) parse(settings, "threads"));
        }
        if (settings.containsKey("contextLength")) {
            spec.contextLength((int) parse(settings, "contextLength"));
        }
        if (settings.containsKey("maxStages")) {
            spec.maxStages((int) parse(settings, "maxStages"));
        }
        if (settings.containsKey("resumeOnFailure")) {
            spec.resumeOnFailure(Boolean.parseBoolean(settings.get("resumeOnFailure").trim()));
        }
        if (settings.containsKey("wireFormat")) {
            spec.wireFormat(WireFormat.parse(settings.get("wireFormat")));
        }
        if (settings.containsKey("awaitNodes")) {
            spec.awaitNodes((int) parse(settings, "awaitNodes"), Duration.ofSeconds(30));
        }
        return spec;
    }

    private static long parse(Map<String, String> settings, String key) {
        try {
            return Long.parseLong(settings.get(key).trim());
        } catch (NumberFormatException e) {
            throw new ConfigurationException("cluster setting '" + key + "' must be an integer, was '" + settings.get(key) + "'");
        }
    }
}
