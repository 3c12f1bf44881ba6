package dev.hearth.cluster;

import java.nio.file.Path;

/**
 * Entry point for running one model across the memory of several machines:
 * {@code InferenceClient.builder().runtime(Cluster.join("home").model(path).secret(s).memoryBudget(bytes))}. The
 * process joins the cluster as a node itself, hosts the first stage and spreads the other layers over the nodes that
 * hold the same file, in proportion to their memory budgets.
 */
public final class Cluster {
    private Cluster() {
    }

    /** A runtime spec that joins (or founds) the cluster called {@code name}. */
    public static ClusterSpec join(String name) {
        return new ClusterSpec(name);
    }

    /** Shorthand for {@code join(name).model(model)}. */
    public static ClusterSpec join(String name, Path model) {
        return new ClusterSpec(name).model(model);
    }
}
