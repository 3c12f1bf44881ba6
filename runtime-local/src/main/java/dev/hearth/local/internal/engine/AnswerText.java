package dev.hearth.local.internal.engine;

import dev.hearth.api.InvalidRequestException;
import dev.hearth.api.ToolCall;
import dev.hearth.api.ToolChoice;
import dev.hearth.api.ToolCallError;
import dev.hearth.local.internal.grammar.TokenVocabulary;
import dev.hearth.local.internal.sampling.TokenConstraint;
import dev.hearth.local.internal.template.ToolCallStream;
import dev.hearth.local.internal.tokenizer.StreamingDetokenizer;
import dev.hearth.local.internal.tokenizer.Tokenizer;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Turns generated token ids into the answer's text as it streams: detokenises (holding back unfinished UTF-8),
 * cuts at stop sequences ({@link StopSequenceFilter}) and, when tools were offered, keeps tool calls out of the text
 * ({@link ToolCallStream}). Tool-call marker tokens that are special tokens are decoded as their text so the parser
 * sees them. Not thread-safe: one per answer.
 */
final class AnswerText implements DecodeLoop.Answer {
    private final Tokenizer tokenizer;
    private final StreamingDetokenizer detokenizer;
    private final StopSequenceFilter stops;
    private final Optional<ToolCallStream> toolCalls;
    private final Set<Integer> markerTokens;
    private final ToolChoice toolChoice;

    /** An answer whose tool choice is {@link ToolChoice#auto()}. */
    AnswerText(Tokenizer tokenizer, boolean startOfText, List<String> stopSequences, Optional<ToolCallStream> toolCalls,
               Set<Integer> markerTokens) {
        this(tokenizer, startOfText, stopSequences, toolCalls, markerTokens, ToolChoice.auto());
    }

    AnswerText(Tokenizer tokenizer, boolean startOfText, List<String> stopSequences, Optional<ToolCallStream> toolCalls,
               Set<Integer> markerTokens, ToolChoice toolChoice) {
        this.toolChoice = toolChoice;
        this.tokenizer = tokenizer;
        this.detokenizer = new StreamingDetokenizer(tokenizer, startOfText);
        this.stops = new StopSequenceFilter(stopSequences);
        this.toolCalls = toolCalls;
        this.markerTokens = markerTokens;
    }

    /** Adds one generated token; returns the text that can be shown now (possibly ""). */
    @Override
    public String push(int tokenId) {
        String decoded = markerTokens.contains(tokenId)
                ? detokenizer.flush() + tokenizer.tokenText(tokenId)
                : detokenizer.push(tokenId);
        String text = stops.accept(decoded);
        return toolCalls.map(calls -> calls.accept(text)).orElse(text);
    }

    /** Whether a stop sequence has appeared; nothing after it is released. */
    @Override
    public boolean stopped() {
        return stops.stopped();
    }

    /** Ends the answer and returns the text still held back (none after a stop sequence, except around tool calls). */
    @Override
    public String finish() {
        String rest = stops.stopped() ? "" : stops.accept(detokenizer.flush()) + stops.flush();
        if (toolCalls.isEmpty()) {
            return rest;
        }
        ToolCallStream calls = toolCalls.get();
        return calls.accept(rest) + calls.finish();
    }

    /** The tokenizer's vocabulary for constrained decoding (built once per tokenizer). */
    @Override
    public Optional<TokenVocabulary> vocabulary() {
        return Optional.of(TokenVocabulary.of(tokenizer));
    }

    /**
     * Constrains tool calls when the request offered a strict tool, and the whole answer to one call when the tool
     * choice requires a call.
     */
    @Override
    public Optional<TokenConstraint> toolCallConstraint() {
        if (toolChoice.forcesCall()) {
            ToolCallStream calls = toolCalls.orElseThrow(() -> new InvalidRequestException("tool choice " + toolChoice
                    + " needs a model whose chat template has a tool-call format this engine knows; this one has none"));
            return Optional.of(StrictToolCalls.forcedCall(calls, tokenizer, markerTokens, toolChoice));
        }
        return toolCalls.flatMap(calls -> StrictToolCalls.constraint(calls, tokenizer, markerTokens));
    }

    /** The token's bytes as UTF-8 (special tokens as their text). */
    @Override
    public String tokenText(int token) {
        byte[] bytes = TokenVocabulary.of(tokenizer).bytes(token);
        return bytes == null ? tokenizer.tokenText(token) : new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    }

    List<ToolCall> toolCalls() {
        return toolCalls.map(ToolCallStream::toolCalls).orElse(List.of());
    }

    List<ToolCallError> toolCallErrors() {
        return toolCalls.map(ToolCallStream::errors).orElse(List.of());
    }

    /** Whether the model began a tool call (well-formed or not). */
    boolean calledTools() {
        return toolCalls.map(ToolCallStream::calledTools).orElse(false);
    }
}
