package dev.hearth.examples;

import dev.hearth.api.ChatResponse;
import dev.hearth.api.Timings;

import java.util.Locale;

/**
 * How the command line reports what one answer cost: prompt tokens (and how many were cached), time to first token,
 * prefill and decode speed. The agent itself lives in {@link dev.hearth.examples.agent.AgentLoop}.
 */
final class AgentHarness {
    private AgentHarness() {
    }

    static String describe(ChatResponse answer) {
        Timings t = answer.timings();
        return String.format(Locale.ROOT,
                "       [prompt %d tok (%d cached) | ttft %.1f ms | prefill %.0f tok/s | decode %.0f tok/s | %d tok | %s]",
                answer.usage().promptTokens(), answer.usage().cachedPromptTokens(), t.timeToFirstToken().toNanos() / 1e6,
                t.prefillTokensPerSecond(), t.decodeTokensPerSecond(), answer.usage().completionTokens(),
                answer.finishReason());
    }
}
