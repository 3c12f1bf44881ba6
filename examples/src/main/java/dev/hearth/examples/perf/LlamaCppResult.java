package dev.hearth.examples.perf;

import java.util.List;

/**
 * llama.cpp's rate on one bench case, measured by {@code hearth bench --compare-llama-cpp} alternately with Hearth's
 * repetitions of the same case on the same file.
 *
 * @param test                   llama-bench's label of the case ({@code pp512}, {@code tg128 @ d4096})
 * @param tokensPerSecondSamples one llama-bench repetition per Hearth repetition, in the order they ran
 * @param hearthOverLlamaCpp     Hearth's mean tokens/s over llama.cpp's, for the same case (above 1: Hearth faster)
 * @param build                  llama-bench's build commit, backend and CPU as it reports them
 */
public record LlamaCppResult(String test, String kind, int tokens, int depth, int threads,
                             double meanTokensPerSecond, double stddevTokensPerSecond,
                             List<Double> tokensPerSecondSamples, double hearthOverLlamaCpp, String build) {

    public LlamaCppResult {
        tokensPerSecondSamples = List.copyOf(tokensPerSecondSamples);
    }

    /** Pairs llama.cpp's samples of a case with Hearth's result for it. */
    static LlamaCppResult of(BenchResult hearth, List<Double> samples, String build) {
        double mean = BenchResult.mean(samples);
        return new LlamaCppResult(hearth.test(), hearth.kind(), hearth.tokens(), hearth.depth(), hearth.threads(),
                mean, BenchResult.stddev(samples), samples, hearth.meanTokensPerSecond() / mean, build);
    }
}
