package dev.hearth.examples.agent;

import dev.hearth.api.Message;

import java.util.List;
import java.util.Objects;

/**
 * A finished run: the whole conversation (system prompt, task, every answer and tool result, in order), the
 * transcript of its steps, why it stopped, and whether a private tool result tainted it.
 *
 * @param answer the last step's text (the model's answer when {@code stop} is {@link StopReason#ANSWERED})
 */
public record AgentRun(List<Message> messages, List<AgentStep> steps, StopReason stop, String answer,
                       boolean privateTaint) {
    public AgentRun {
        messages = List.copyOf(messages);
        steps = List.copyOf(steps);
        Objects.requireNonNull(stop, "stop");
        Objects.requireNonNull(answer, "answer");
    }

    /** Every tool call the run made, step by step. */
    public List<ToolOutcome> toolOutcomes() {
        return steps.stream().flatMap(step -> step.tools().stream()).toList();
    }
}
