package dev.hearth.examples.perf;

import java.util.List;

/**
 * One bench case's outcome, in the units llama-bench reports.
 *
 * @param test                   llama-bench's label: {@code pp512}, {@code tg128}, with {@code " @ d1024"} at a depth
 * @param kind                   {@code pp} (prompt processing) or {@code tg} (text generation)
 * @param tokens                 tokens prefilled or generated per repetition
 * @param depth                  tokens already in the context when the timed tokens start
 * @param tokensPerSecondSamples one rate per repetition: timed tokens / their wall time
 * @param ttftMillisSamples      one per repetition: wall time from the request (depth + prompt) to the first generated
 *                               token's logits; with the prefix cache on the depth is reused, not recomputed
 * @param cpuUtilization         the calling thread's CPU time over wall time while timed (below ~0.95 means the
 *                               machine was busy with other work and the rates are pessimistic; with several
 *                               threads the calling thread also parks while waiting for workers, so it reads lower)
 * @param allocatedBytesPerToken heap bytes the calling thread allocated per timed token (the decode loop should
 *                               allocate nothing once compiled; worker threads are not counted)
 */
public record BenchResult(String model, long modelBytes, long parameters, String test, String kind, int tokens,
                          int depth, int threads, boolean fusion, boolean prefixCache, int repetitions,
                          double meanTokensPerSecond, double stddevTokensPerSecond, double meanTtftMillis,
                          double stddevTtftMillis, double cpuUtilization, double allocatedBytesPerToken,
                          List<Double> tokensPerSecondSamples,
                          List<Double> ttftMillisSamples) {

    public BenchResult {
        tokensPerSecondSamples = List.copyOf(tokensPerSecondSamples);
        ttftMillisSamples = List.copyOf(ttftMillisSamples);
    }

    static double mean(List<Double> samples) {
        double sum = 0;
        for (double sample : samples) {
            sum += sample;
        }
        return samples.isEmpty() ? Double.NaN : sum / samples.size();
    }

    /** Sample standard deviation (n - 1), as llama-bench reports; 0 for a single sample. */
    static double stddev(List<Double> samples) {
        if (samples.size() < 2) {
            return 0;
        }
        double mean = mean(samples);
        double squares = 0;
        for (double sample : samples) {
            squares += (sample - mean) * (sample - mean);
        }
        return Math.sqrt(squares / (samples.size() - 1));
    }
}
