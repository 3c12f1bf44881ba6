package dev.hearth.cluster;

import dev.hearth.local.stage.LayerRange;

import java.io.Serializable;

/**
 * One stage of a plan: the node, its layers {@code [from, to)} and the bytes (weights plus KV cache) they need there.
 * Plain fields, so the plan can live in the cluster state.
 */
public record StageAssignment(String nodeId, int from, int to, long bytes, long budgetBytes) implements Serializable {
    public StageAssignment {
        new LayerRange(from, to);
    }

    public StageAssignment(String nodeId, LayerRange range, long bytes, long budgetBytes) {
        this(nodeId, range.from(), range.to(), bytes, budgetBytes);
    }

    public LayerRange range() {
        return new LayerRange(from, to);
    }
}
