package dev.hearth.examples.agent;

import dev.hearth.api.ChatResponse;
import dev.hearth.api.Sensitivity;
import dev.hearth.api.ToolCallError;
import dev.hearth.api.ToolChoice;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One step of a run: the model's answer (who served it, what it cost, how fast) and the tool calls it made with their
 * results, in the order the model wrote them. {@code sensitivity} is the level the request was sent with:
 * {@link Sensitivity#PRIVATE} once a private tool result has tainted the run.
 *
 * @param index     1 for the first step of the run
 * @param choice    the tool choice the step was asked with ({@code required} first, {@code auto} after, by default)
 * @param malformed tool calls the model wrote wrongly; each was reported back to it
 */
public record AgentStep(int index, ToolChoice choice, Sensitivity sensitivity, ChatResponse answer,
                        List<ToolOutcome> tools, List<ToolCallError> malformed) {
    public AgentStep {
        Objects.requireNonNull(choice, "choice");
        Objects.requireNonNull(sensitivity, "sensitivity");
        Objects.requireNonNull(answer, "answer");
        tools = List.copyOf(tools);
        malformed = List.copyOf(malformed);
    }

    public String route() {
        return answer.route().runtime();
    }

    public int promptTokens() {
        return answer.usage().promptTokens();
    }

    public int cachedTokens() {
        return answer.usage().cachedPromptTokens();
    }

    public int completionTokens() {
        return answer.usage().completionTokens();
    }

    public Duration timeToFirstToken() {
        return answer.timings().timeToFirstToken();
    }

    /** Decode speed: tokens per second after the first. */
    public double tokensPerSecond() {
        return answer.timings().decodeTokensPerSecond();
    }

    /** One line for a terminal: the numbers first, then what the model did. */
    public String describe() {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                "step %d  prompt %4d tok (%4d cached)  completion %3d tok  ttft %7.1f ms  %6.0f tok/s  route %s%s",
                index, promptTokens(), cachedTokens(), completionTokens(), timeToFirstToken().toNanos() / 1e6,
                tokensPerSecond(), route(), sensitivity == Sensitivity.PUBLIC ? "" : " [" + sensitivity + "]"));
        for (ToolOutcome outcome : tools) {
            line.append(System.lineSeparator()).append("        ").append(outcome.call().name())
                    .append(outcome.call().argumentsJson()).append(" -> ")
                    .append(abbreviate(outcome.result().content()))
                    .append(outcome.result().isPrivate() ? " [PRIVATE]" : "");
        }
        for (ToolCallError error : malformed) {
            line.append(System.lineSeparator()).append("        malformed call: ").append(abbreviate(error.problem()));
        }
        if (tools.isEmpty() && malformed.isEmpty()) {
            line.append(System.lineSeparator()).append("        answer: ").append(abbreviate(answer.text()));
        }
        return line.toString();
    }

    static String abbreviate(String text) {
        String flat = text.replace('\n', ' ').strip();
        return flat.length() <= 100 ? flat : flat.substring(0, 97) + "...";
    }
}
