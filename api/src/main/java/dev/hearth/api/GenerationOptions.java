package dev.hearth.api;

import java.util.List;
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
 */
public record GenerationOptions(int maxTokens, double temperature, int topK, double topP, double minP,
                                double repetitionPenalty, int repetitionWindow, OptionalLong seed,
                                List<String> stopSequences, ResponseFormat responseFormat) {

    public static final int UNLIMITED = Integer.MAX_VALUE;
    /** Stop sequences are matched on every token; a handful covers every real template. */
    public static final int MAX_STOP_SEQUENCES = 16;

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

        public GenerationOptions build() {
            return new GenerationOptions(maxTokens, temperature, topK, topP, minP, repetitionPenalty, repetitionWindow,
                    seed, stopSequences, responseFormat);
        }
    }
}
