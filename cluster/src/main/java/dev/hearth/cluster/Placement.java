package dev.hearth.cluster;

import java.io.Serializable;
import java.util.List;
import java.util.stream.Collectors;

/** Which node runs which contiguous layers of a model, first to last; published in the cluster state. */
public record Placement(String modelSha256, int layerCount, int contextLength, List<StageAssignment> stages)
        implements Serializable {
    public Placement {
        stages = List.copyOf(stages);
    }

    /** One line per stage: node, layers, memory needed of budget. */
    public String describe() {
        return stages.stream()
                .map(s -> String.format("%-38s layers %-9s needs %,15d of %,15d bytes", s.nodeId(), s.range(), s.bytes(),
                        s.budgetBytes()))
                .collect(Collectors.joining("\n"));
    }
}
