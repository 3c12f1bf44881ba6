package dev.hearth.cluster;

/**
 * A node the planner may give layers to.
 *
 * @param local       the coordinator's own node: it gets the first stage, so tokens and logits stay in process
 * @param holdsModel  whether the node has the model file (by sha256); weights are not shipped, so only these host
 */
public record PlacementCandidate(String nodeId, long memoryBudgetBytes, boolean holdsModel, boolean local) {
    public PlacementCandidate {
        if (memoryBudgetBytes < 0) {
            throw new IllegalArgumentException("memory budget of " + nodeId + " is negative: " + memoryBudgetBytes);
        }
    }
}
