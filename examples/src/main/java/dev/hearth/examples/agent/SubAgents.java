package dev.hearth.examples.agent;

import dev.hearth.api.Message;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Forks sub-agents from a parent run: each starts from the parent's whole conversation (system prompt, tools, task,
 * answers and tool results) plus a task of its own, and inherits the parent's private taint. Their prompts therefore
 * share everything up to their own task, which the runtime's prefix cache computes once: the first sub-agent reuses
 * what the parent computed, and the others reuse it too, computing only their own task. They run one after the
 * other, so each finds the shared prefix already cached.
 */
public final class SubAgents {
    private SubAgents() {
    }

    /** One run per task, in order; stops forking when {@code cancel} fires (the runs so far are returned). */
    public static List<AgentRun> fork(AgentLoop loop, AgentRun parent, List<String> tasks, CancelToken cancel) {
        Objects.requireNonNull(loop, "loop");
        Objects.requireNonNull(parent, "parent");
        Objects.requireNonNull(cancel, "cancel");
        List<AgentRun> runs = new ArrayList<>();
        for (String task : tasks) {
            if (cancel.isCancelled()) {
                break;
            }
            List<Message> history = new ArrayList<>(parent.messages());
            history.add(parent.privateTaint() ? Message.user(task, dev.hearth.api.Sensitivity.PRIVATE) : Message.user(task));
            runs.add(loop.continueFrom(history, parent.privateTaint(), cancel));
        }
        return runs;
    }
}
