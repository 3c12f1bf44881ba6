package dev.hearth.examples.agent;

import java.util.List;
import java.util.Objects;

/** A step with where it belongs in a task ("main 2", "sub 3.1"), for reports and charts that line runs up. */
public record LabeledStep(String label, AgentStep step) {
    public LabeledStep {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(step, "step");
    }

    /** The steps of {@code run} labelled {@code prefix + " " + index}. */
    public static List<LabeledStep> of(String prefix, AgentRun run) {
        return run.steps().stream().map(step -> new LabeledStep(prefix + " " + step.index(), step)).toList();
    }
}
