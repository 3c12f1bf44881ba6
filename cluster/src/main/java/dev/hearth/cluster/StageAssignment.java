package dev.hearth.cluster;

import dev.hearth.local.stage.LayerRange;

import java.io.Serializable;

/** One stage of a plan: the node, its layers and the bytes (weights plus KV cache) they need there. */
public record StageAssignment(String nodeId, LayerRange range, long bytes, long budgetBytes) implements Serializable {
}
