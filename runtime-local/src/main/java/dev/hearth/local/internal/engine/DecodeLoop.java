package dev.hearth.local.internal.engine;

import dev.hearth.api.FinishReason;
import dev.hearth.api.GenerationOptions;
import dev.hearth.api.TokenEvent;
import dev.hearth.api.spi.CancellationSignal;
import dev.hearth.api.InvalidRequestException;
import dev.hearth.api.ResponseFormat;
import dev.hearth.local.internal.grammar.GrammarConstraint;
import dev.hearth.local.internal.grammar.TokenVocabulary;
import dev.hearth.local.internal.sampling.Sampler;
import dev.hearth.local.internal.sampling.TokenConstraint;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import dev.hearth.api.TokenLogprob;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.IntPredicate;

/**
 * The decode loop every local engine shares: sample the next token, stop on an end-of-generation token, turn the token
 * into text, emit its event, and end on a stop sequence, the token limit, cancellation or a full context. An engine
 * supplies only how the next logits are computed ({@link Step}) and how tokens become text ({@link Answer}), so the
 * rules for ending an answer, and its timings, are the same for GGUF and ONNX models. When the options ask for a
 * {@link ResponseFormat} other than text, the sampler masks every token that would leave it (the engine's
 * {@link Answer#vocabulary()} must support that), and the answer also ends as soon as the format is complete.
 */
public final class DecodeLoop {
    private DecodeLoop() {
    }

    /** Runs one token at {@code position} and returns the logits that follow it. */
    @FunctionalInterface
    public interface Step<E extends Exception> {
        float[] next(int token, int position) throws E;
    }

    /** Turns generated tokens into the answer's text, holding back what may still change (stop sequences, tool calls). */
    public interface Answer {
        /** The text that can be released after this token (possibly empty). */
        String push(int token);

        /** True once a stop sequence has ended the answer. */
        boolean stopped();

        /** The text still held back when generation ends. */
        String finish();

        /**
         * The vocabulary as constrained decoding sees it, when the engine's tokenizer supports it; empty otherwise,
         * and then a request with a {@link ResponseFormat} other than text is refused.
         */
        default Optional<TokenVocabulary> vocabulary() {
            return Optional.empty();
        }

        /** A token's text as log probabilities report it (its bytes as UTF-8); empty when the engine cannot say. */
        default String tokenText(int token) {
            return "";
        }

        /** The constraint on tool calls when the request offered strict tools; empty otherwise. */
        default Optional<TokenConstraint> toolCallConstraint() {
            return Optional.empty();
        }
    }

    /**
     * How an answer ended. {@code firstTokenAt} is a {@link System#nanoTime()} reading (0 if no token was sampled);
     * {@code decodeNanos} and {@code decodeSteps} cover the forward passes after the first token; {@code history} holds the
     * prompt and the answer's tokens (the array passed in, or a longer copy when the answer outgrew it).
     */
    public record Outcome(String text, FinishReason finish, int generated, long firstTokenAt, long decodeNanos,
                          int decodeSteps, List<TokenLogprob> logprobs, int[] history) {
    }

    /** Tokens of answer room made up front when the answer's length is unlimited; the history grows past it. */
    private static final int UNLIMITED_ANSWER_ROOM = 4096;

    /**
     * The history a generation starts with: the prompt, and room for the answer sized from the request rather than
     * from the context length (which a model file may declare in the millions); it grows if an answer outruns it.
     */
    public static int[] history(int[] promptIds, GenerationOptions options, int contextLength) {
        long room = options.maxTokens() == GenerationOptions.UNLIMITED ? UNLIMITED_ANSWER_ROOM : options.maxTokens();
        return Arrays.copyOf(promptIds, (int) Math.min(contextLength + 1L, promptIds.length + room + 1));
    }

    /**
     * Generates from {@code logits} (those after the last prompt token).
     *
     * @param history       the prompt's tokens in [0, historyLength), with room for the answer (repetition penalty;
     *                      see {@link #history}), grown when full
     * @param promptLength  positions already in the model's cache
     * @param contextLength positions the cache can hold
     */
    public static <E extends Exception> Outcome run(GenerationOptions options, float[] logits, int[] history,
                                                    int historyLength, int promptLength, int contextLength,
                                                    IntPredicate endsGeneration, Answer answer,
                                                    Consumer<TokenEvent> tokens, CancellationSignal cancellation,
                                                    Step<E> step) throws E {
        return run(options, constraint(options.responseFormat(), answer), logits, history, historyLength, promptLength,
                contextLength, endsGeneration, answer, tokens, cancellation, step);
    }

    /**
     * Generates under a constraint the engine built beforehand with {@link #constraint} (null for none), so that an
     * unusable schema or grammar is refused before the prompt is computed.
     */
    public static <E extends Exception> Outcome run(GenerationOptions options, TokenConstraint constraint,
                                                    float[] logits, int[] history, int historyLength, int promptLength,
                                                    int contextLength, IntPredicate endsGeneration, Answer answer,
                                                    Consumer<TokenEvent> tokens, CancellationSignal cancellation,
                                                    Step<E> step) throws E {
        long seed = options.seed().orElseGet(() -> ThreadLocalRandom.current().nextLong());
        Sampler sampler = new Sampler(options, seed, constraint);
        StringBuilder text = new StringBuilder();
        List<TokenLogprob> logprobs = options.wantsLogprobs() ? new ArrayList<>() : List.of();
        int generated = 0;
        int decodeSteps = 0;
        long decodeNanos = 0;
        long firstTokenAt = 0;
        FinishReason finish;
        while (true) {
            int token = sampler.sample(logits, history, 0, historyLength);
            if (firstTokenAt == 0) {
                firstTokenAt = System.nanoTime();
            }
            if (endsGeneration.test(token)) {
                finish = FinishReason.STOP;
                break;
            }
            if (historyLength == history.length) { // past the room made up front (an unlimited answer)
                history = Arrays.copyOf(history, (int) Math.min(contextLength + 1L, 2L * history.length));
            }
            history[historyLength++] = token;
            String released = answer.push(token);
            text.append(released);
            if (options.wantsLogprobs()) {
                TokenLogprob logprob = logprob(sampler.lastLogprobs(), answer);
                logprobs.add(logprob);
                tokens.accept(new TokenEvent(generated, token, released, Optional.of(logprob)));
            } else {
                tokens.accept(new TokenEvent(generated, token, released));
            }
            generated++;
            if (answer.stopped()) {
                finish = FinishReason.STOP_SEQUENCE;
                break;
            }
            if (constraint != null && constraint.isFinished()) {
                finish = FinishReason.STOP; // the grammar allows nothing but the end: no need for another step
                break;
            }
            if (generated >= options.maxTokens()) {
                finish = FinishReason.LENGTH;
                break;
            }
            if (cancellation.isCancelled()) {
                finish = FinishReason.CANCELLED;
                break;
            }
            int position = promptLength + generated - 1;
            if (position >= contextLength) {
                finish = FinishReason.CONTEXT_FULL;
                break;
            }
            long stepStart = System.nanoTime();
            logits = step.next(token, position);
            decodeNanos += System.nanoTime() - stepStart;
            decodeSteps++;
        }
        String rest = answer.finish();
        if (!rest.isEmpty()) {
            text.append(rest);
            tokens.accept(new TokenEvent(generated, -1, rest));
        }
        return new Outcome(text.toString(), finish, generated, firstTokenAt, decodeNanos, decodeSteps, logprobs, history);
    }

    private static TokenLogprob logprob(Sampler.Logprobs sampled, Answer answer) {
        List<TokenLogprob.Alternative> top = new ArrayList<>(sampled.topTokens().length);
        for (int i = 0; i < sampled.topTokens().length; i++) {
            int token = sampled.topTokens()[i];
            top.add(new TokenLogprob.Alternative(token, answer.tokenText(token), sampled.topLogprobs()[i]));
        }
        return new TokenLogprob(sampled.token(), answer.tokenText(sampled.token()), sampled.logprob(), top);
    }

    /**
     * The grammar constraint a response format asks for, or null for free text.
     *
     * @throws InvalidRequestException if the format cannot be compiled, or this engine cannot constrain its output
     */
    public static TokenConstraint constraint(ResponseFormat format, Answer answer) {
        Optional<TokenConstraint> toolCalls = answer.toolCallConstraint();
        if (!format.constrains()) {
            return toolCalls.orElse(null);
        }
        if (toolCalls.isPresent()) {
            throw new InvalidRequestException("a response format and strict tools cannot be combined yet; "
                    + "send the tools without 'strict' or drop the response format");
        }
        TokenVocabulary vocabulary = answer.vocabulary().orElseThrow(() -> new InvalidRequestException(
                "response format " + format + " is not supported by this runtime: it cannot constrain its tokens"));
        return new GrammarConstraint(GrammarConstraint.compile(format), vocabulary);
    }
}
