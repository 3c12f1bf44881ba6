package dev.hearth.remote.providers;

import dev.hearth.api.FinishReason;
import dev.hearth.api.TokenEvent;
import dev.hearth.api.TokenLogprob;
import dev.hearth.api.ToolCall;
import dev.hearth.api.Usage;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The answer being assembled from a provider's events: text deltas (emitted as token events through the stop
 * matcher), tool calls assembled from their fragments, usage, and why it ended. One per request.
 */
final class Answer {
    private final Consumer<TokenEvent> tokens;
    private final StopMatcher stops;
    private final StringBuilder text = new StringBuilder();
    private final Map<Integer, PartialToolCall> toolCalls = new TreeMap<>();
    private final List<TokenLogprob> logprobs = new ArrayList<>();
    private int events;
    private long firstOutputNanos = -1;
    private Integer promptTokens;
    private Integer cachedPromptTokens;
    private Integer completionTokens;
    private FinishReason finishReason;
    private boolean terminal;
    private String servedModel;
    private Duration serverPrefill;
    private Duration serverDecode;

    private static final class PartialToolCall {
        String id;
        String name;
        final StringBuilder arguments = new StringBuilder();
    }

    Answer(Consumer<TokenEvent> tokens, List<String> stopSequences) {
        this.tokens = tokens;
        this.stops = new StopMatcher(stopSequences);
    }

    /** A piece of the answer's text; each call is one token event (its text may be held back by a stop sequence). */
    void text(String delta) {
        text(delta, List.of());
    }

    /**
     * A piece of the answer's text with the log probabilities of the tokens it holds, as the provider reported them;
     * the event carries the probability when the piece is exactly one token (as streamed chunks are).
     */
    void text(String delta, List<TokenLogprob> pieceLogprobs) {
        if (stops.stopped() || delta == null) {
            return;
        }
        markOutput();
        logprobs.addAll(pieceLogprobs);
        String emit = stops.accept(delta);
        text.append(emit);
        Optional<TokenLogprob> logprob = pieceLogprobs.size() == 1 ? Optional.of(pieceLogprobs.getFirst()) : Optional.empty();
        tokens.accept(new TokenEvent(events++, -1, emit, logprob));
        if (stops.stopped()) {
            finishReason = FinishReason.STOP_SEQUENCE;
        }
    }

    /** Starts or continues the tool call at {@code index}: id and name when they arrive, then argument fragments. */
    void toolCall(int index, String id, String name, String argumentsFragment) {
        markOutput();
        PartialToolCall call = toolCalls.computeIfAbsent(index, i -> new PartialToolCall());
        if (id != null && !id.isEmpty()) {
            call.id = id;
        }
        if (name != null && !name.isEmpty()) {
            call.name = name;
        }
        if (argumentsFragment != null) {
            call.arguments.append(argumentsFragment);
        }
    }

    /** Replaces the arguments of the tool call at {@code index} with their final, complete text. */
    void toolCallArguments(int index, String arguments) {
        PartialToolCall call = toolCalls.computeIfAbsent(index, i -> new PartialToolCall());
        call.arguments.setLength(0);
        call.arguments.append(arguments);
    }

    void promptTokens(int count) {
        promptTokens = count;
    }

    boolean hasPromptTokens() {
        return promptTokens != null;
    }

    void cachedPromptTokens(int count) {
        cachedPromptTokens = count;
    }

    void completionTokens(int count) {
        completionTokens = count;
    }

    /** Prefill and decode times as measured by the server itself (Ollama reports them). */
    void serverTimings(Duration prefill, Duration decode) {
        this.serverPrefill = prefill;
        this.serverDecode = decode;
    }

    Duration serverPrefill() {
        return serverPrefill;
    }

    Duration serverDecode() {
        return serverDecode;
    }

    void servedModel(String model) {
        if (model != null && !model.isBlank()) {
            servedModel = model;
        }
    }

    /** Why the provider ended; a stop sequence found here takes precedence. */
    void finish(FinishReason reason) {
        if (finishReason != FinishReason.STOP_SEQUENCE) {
            finishReason = reason;
        }
    }

    /** The provider sent its last event: what follows is only the end of the body. */
    void terminal() {
        terminal = true;
    }

    boolean isTerminal() {
        return terminal;
    }

    boolean stoppedBySequence() {
        return stops.stopped();
    }

    FinishReason finishReason() {
        return finishReason;
    }

    int events() {
        return events;
    }

    String servedModel() {
        return servedModel;
    }

    long firstOutputNanos() {
        return firstOutputNanos;
    }

    /** Emits text held back for a stop sequence that never completed, as one last event. */
    void flushHeldText() {
        String rest = stops.flush();
        if (!rest.isEmpty()) {
            text.append(rest);
            tokens.accept(new TokenEvent(events++, -1, rest));
        }
    }

    String text() {
        return text.toString();
    }

    /** The tokens' log probabilities, in order, when the request asked for them and the provider sent them. */
    List<TokenLogprob> logprobs() {
        return List.copyOf(logprobs);
    }

    List<ToolCall> toolCalls() {
        List<ToolCall> calls = new ArrayList<>();
        for (Map.Entry<Integer, PartialToolCall> entry : toolCalls.entrySet()) {
            PartialToolCall call = entry.getValue();
            String arguments = call.arguments.isEmpty() ? "{}" : call.arguments.toString();
            String id = call.id == null ? "call_" + entry.getKey() : call.id;
            calls.add(new ToolCall(id, call.name == null ? "" : call.name, arguments));
        }
        return calls;
    }

    /**
     * The usage the provider reported, completed from what was seen when it reported nothing (a stream cut short by a
     * stop sequence or a cancellation ends before the provider's usage event): the completion is then counted in
     * events, and the cached count never exceeds the prompt.
     */
    Usage usage(boolean cutShort) {
        int prompt = promptTokens == null ? 0 : promptTokens;
        int completion = cutShort || completionTokens == null ? events : completionTokens;
        int cached = cachedPromptTokens == null ? 0 : Math.min(cachedPromptTokens, prompt);
        return new Usage(prompt, cached, completion);
    }

    private void markOutput() {
        if (firstOutputNanos < 0) {
            firstOutputNanos = System.nanoTime();
        }
    }
}
