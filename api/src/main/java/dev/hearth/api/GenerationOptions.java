package dev.hearth.api;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * How to sample an answer. Defaults follow llama.cpp's: temperature 0.8, top-k 40, top-p 0.95, min-p 0.05, no
 * repetition penalty, no token limit beyond the context, a random seed. Temperature 0 means greedy decoding
 * (the other sampling settings are then ignored).
 *
 * <pre>{@code
 * GenerationOptions options = GenerationOptions.builder().temperature(0.2).maxTokens(256).seed(7).build();
 * }</pre>
 *
 * @param maxTokens           most tokens to generate; {@link #UNLIMITED} means until the model stops or the context is full
 * @param topK                keep the k most likely tokens; 0 disables
 * @param topP                keep the smallest set of tokens whose probabilities sum to at least p; 1 disables
 * @param minP                drop tokens less likely than minP times the most likely one; 0 disables
 * @param repetitionPenalty   divide positive logits (multiply negative ones) of recently seen tokens; 1 disables
 * @param repetitionWindow    how many recent tokens (prompt included) the penalty looks at
 * @param seed                the random seed; empty means a fresh random seed per call
 * @param stopSequences       texts that end the answer when generated; they are not part of the answer
 * @param responseFormat      the shape the answer must take (JSON, a JSON Schema, a grammar); {@link ResponseFormat#text()}
 *                            leaves it free
 * @param toolChoice          whether the answer may ({@link ToolChoice#auto()}), must or must not call the offered tools
 * @param logitBias           OpenAI's {@code logit_bias}: added to a token's logit before sampling; -100 bans the token,
 *                            100 all but forces it (token ids are the runtime's)
 * @param logprobs            how many most-likely alternatives to report with each token's log probability (0-20), or
 *                            {@link #NO_LOGPROBS} for none
 * @param frequencyPenalty    OpenAI's: subtracted from a token's logit once per time it already appears in the answer
 *                            (-2 to 2, 0 disables)
 * @param presencePenalty     OpenAI's: subtracted once from the logit of every token already in the answer (-2 to 2,
 *                            0 disables)
 */
public record GenerationOptions(int maxTokens, double temperature, int topK, double topP, double minP,
                                double repetitionPenalty, int repetitionWindow, OptionalLong seed,
                                List<String> stopSequences, ResponseFormat responseFormat, ToolChoice toolChoice,
                                Map<Integer, Float> logitBias, int logprobs, double frequencyPenalty,
                                double presencePenalty) {

    public static final int UNLIMITED = Integer.MAX_VALUE;
    /** Stop sequences are matched on every token; a handful covers every real template. */
    public static final int MAX_STOP_SEQUENCES = 16;
    /** {@link #logprobs()} when no log probabilities are asked for. */
    public static final int NO_LOGPROBS = -1;
    /** OpenAI's limit on alternatives per token. */
    public static final int MAX_TOP_LOGPROBS = 20;

    private static final GenerationOptions DEFAULTS = builder().build();

    public GenerationOptions {
        if (maxTokens < 1) {
            throw new InvalidRequestException("maxTokens must be at least 1, was " + maxTokens);
        }
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new InvalidRequestException("temperature must be a finite number >= 0 (0 means greedy), was " + temperature);
        }
        if (topK < 0) {
            throw new InvalidRequestException("topK must be >= 0 (0 disables it), was " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new InvalidRequestException("topP must be in (0, 1] (1 disables it), was " + topP);
        }
        if (!(minP >= 0 && minP < 1)) {
            throw new InvalidRequestException("minP must be in [0, 1) (0 disables it), was " + minP);
        }
        if (!(repetitionPenalty > 0) || Double.isInfinite(repetitionPenalty)) {
            throw new InvalidRequestException("repetitionPenalty must be a finite number > 0 (1 disables it), was " + repetitionPenalty);
        }
        if (repetitionWindow < 0) {
            throw new InvalidRequestException("repetitionWindow must be >= 0, was " + repetitionWindow);
        }
        if (seed == null) {
            throw new InvalidRequestException("seed must not be null; use OptionalLong.empty() for a random seed");
        }
        if (stopSequences == null) {
            throw new InvalidRequestException("stopSequences must not be null");
        }
        if (stopSequences.size() > MAX_STOP_SEQUENCES) {
            throw new InvalidRequestException("stopSequences allows at most " + MAX_STOP_SEQUENCES + " entries, got "
                    + stopSequences.size());
        }
        for (int i = 0; i < stopSequences.size(); i++) {
            String stop = stopSequences.get(i);
            if (stop == null || stop.isEmpty()) {
                throw new InvalidRequestException("stopSequences entries must be non-empty strings, entry " + i + " was "
                        + (stop == null ? "null" : "\"\""));
            }
        }
        stopSequences = List.copyOf(stopSequences);
        if (responseFormat == null) {
            throw new InvalidRequestException("responseFormat must not be null; use ResponseFormat.text() for free text");
        }
        if (toolChoice == null) {
            throw new InvalidRequestException("toolChoice must not be null; use ToolChoice.auto() to let the model choose");
        }
        if (logitBias == null) {
            throw new InvalidRequestException("logitBias must not be null; use an empty map for none");
        }
        for (Map.Entry<Integer, Float> bias : logitBias.entrySet()) {
            if (bias.getKey() == null || bias.getKey() < 0) {
                throw new InvalidRequestException("logitBias keys must be token ids >= 0, got " + bias.getKey());
            }
            Float value = bias.getValue();
            if (value == null || !(value >= -100 && value <= 100)) {
                throw new InvalidRequestException("logitBias values must be in [-100, 100], token " + bias.getKey()
                        + " had " + value);
            }
        }
        logitBias = Map.copyOf(logitBias);
        if (logprobs < NO_LOGPROBS || logprobs > MAX_TOP_LOGPROBS) {
            throw new InvalidRequestException("logprobs must be 0-" + MAX_TOP_LOGPROBS + " alternatives (or NO_LOGPROBS), was "
                    + logprobs);
        }
        if (!(frequencyPenalty >= -2 && frequencyPenalty <= 2)) {
            throw new InvalidRequestException("frequencyPenalty must be in [-2, 2] (0 disables it), was " + frequencyPenalty);
        }
        if (!(presencePenalty >= -2 && presencePenalty <= 2)) {
            throw new InvalidRequestException("presencePenalty must be in [-2, 2] (0 disables it), was " + presencePenalty);
        }
    }

    /** Whether these options ask for log probabilities. */
    public boolean wantsLogprobs() {
        return logprobs != NO_LOGPROBS;
    }

    public static GenerationOptions defaults() {
        return DEFAULTS;
    }

    /** Greedy decoding: always the most likely token, fully deterministic. */
    public static GenerationOptions greedy() {
        return builder().temperature(0).build();
    }

    public boolean isGreedy() {
        return temperature == 0;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Collects options; {@link #build()} validates them all and names the first bad value. */
    public static final class Builder {
        private int maxTokens = UNLIMITED;
        private double temperature = 0.8;
        private int topK = 40;
        private double topP = 0.95;
        private double minP = 0.05;
        private double repetitionPenalty = 1.0;
        private int repetitionWindow = 64;
        private OptionalLong seed = OptionalLong.empty();
        private List<String> stopSequences = List.of();
        private ResponseFormat responseFormat = ResponseFormat.text();
        private ToolChoice toolChoice = ToolChoice.auto();
        private Map<Integer, Float> logitBias = Map.of();
        private int logprobs = NO_LOGPROBS;
        private double frequencyPenalty;
        private double presencePenalty;

        private Builder() {
        }

        private Builder(GenerationOptions options) {
            maxTokens = options.maxTokens;
            temperature = options.temperature;
            topK = options.topK;
            topP = options.topP;
            minP = options.minP;
            repetitionPenalty = options.repetitionPenalty;
            repetitionWindow = options.repetitionWindow;
            seed = options.seed;
            stopSequences = options.stopSequences;
            responseFormat = options.responseFormat;
            toolChoice = options.toolChoice;
            logitBias = options.logitBias;
            logprobs = options.logprobs;
            frequencyPenalty = options.frequencyPenalty;
            presencePenalty = options.presencePenalty;
        }

        public Builder maxTokens(int maxTokens) {
            this.maxTokens = maxTokens;
            return this;
        }

        public Builder temperature(double temperature) {
            this.temperature = temperature;
            return this;
        }

        public Builder topK(int topK) {
            this.topK = topK;
            return this;
        }

        public Builder topP(double topP) {
            this.topP = topP;
            return this;
        }

        public Builder minP(double minP) {
            this.minP = minP;
            return this;
        }

        public Builder repetitionPenalty(double repetitionPenalty) {
            this.repetitionPenalty = repetitionPenalty;
            return this;
        }

        public Builder repetitionWindow(int repetitionWindow) {
            this.repetitionWindow = repetitionWindow;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = OptionalLong.of(seed);
            return this;
        }

        public Builder randomSeed() {
            this.seed = OptionalLong.empty();
            return this;
        }

        public Builder stopSequences(List<String> stopSequences) {
            this.stopSequences = stopSequences;
            return this;
        }

        public Builder stopSequences(String... stopSequences) {
            this.stopSequences = java.util.Arrays.asList(stopSequences);
            return this;
        }

        /** The shape the answer must take; {@link ResponseFormat#text()} (the default) leaves it free. */
        public Builder responseFormat(ResponseFormat responseFormat) {
            this.responseFormat = responseFormat;
            return this;
        }

        /** Whether the answer may, must or must not call the offered tools. */
        public Builder toolChoice(ToolChoice toolChoice) {
            this.toolChoice = toolChoice;
            return this;
        }

        /** Added to the logits of the given token ids (OpenAI's {@code logit_bias}; -100 bans a token). */
        public Builder logitBias(Map<Integer, Float> logitBias) {
            this.logitBias = logitBias;
            return this;
        }

        /** Reports each token's log probability with the {@code topN} most likely alternatives (0-20). */
        public Builder logprobs(int topN) {
            this.logprobs = topN;
            return this;
        }

        public Builder frequencyPenalty(double frequencyPenalty) {
            this.frequencyPenalty = frequencyPenalty;
            return this;
        }

        public Builder presencePenalty(double presencePenalty) {
            this.presencePenalty = presencePenalty;
            return this;
        }

        public GenerationOptions build() {
            return new GenerationOptions(maxTokens, temperature, topK, topP, minP, repetitionPenalty, repetitionWindow,
                    seed, stopSequences, responseFormat, toolChoice, logitBias, logprobs, frequencyPenalty,
                    presencePenalty);
        }
    }
}
