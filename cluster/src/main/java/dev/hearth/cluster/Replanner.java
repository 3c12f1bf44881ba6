package dev.hearth.cluster;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** After a stage failed: a new placement over the nodes still live, without the failed ones, or empty if none fits. */
@FunctionalInterface
public interface Replanner {

    /** A placement and the capabilities of the nodes it names. */
    record Replan(Placement placement, Map<String, NodeCapabilities> nodes) {
        public Replan {
            nodes = Map.copyOf(nodes);
        }
    }

    /** @param failedTargets gRPC addresses of the stages that failed */
    Optional<Replan> replan(Set<String> failedTargets);
}
