package dev.hearth.examples.perf;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Collects llama-bench's repetitions of each case while {@link BenchRunner} interleaves them with Hearth's, then pairs
 * them with Hearth's results into ratios and into a {@link Baseline} for the Markdown and CSV tables.
 */
final class LlamaCppComparison implements BenchRunner.Interleaved {
    private final LlamaBench llamaBench;
    private final Path model;
    private final PrintStream progress;
    private final Map<BenchCase, List<Double>> samples = new LinkedHashMap<>();
    private String build = "unknown";

    LlamaCppComparison(LlamaBench llamaBench, Path model, PrintStream progress) {
        this.llamaBench = llamaBench;
        this.model = model;
        this.progress = progress;
    }

    @Override
    public void run(BenchCase benchCase) {
        LlamaBench.Run run = llamaBench.run(model, benchCase);
        build = run.build();
        samples.computeIfAbsent(benchCase, key -> new ArrayList<>()).addAll(run.tokensPerSecondSamples());
        progress.printf(Locale.ROOT, "  llama.cpp %-16s t=%d  %8.2f tok/s%n", benchCase.label(), benchCase.threads(),
                run.tokensPerSecondSamples().getLast());
    }

    /** Records llama.cpp's samples for an already measured case (the parsing tests feed captured output here). */
    void add(BenchCase benchCase, LlamaBench.Run run) {
        build = run.build();
        samples.computeIfAbsent(benchCase, key -> new ArrayList<>()).addAll(run.tokensPerSecondSamples());
    }

    /** One entry per Hearth result that llama.cpp also ran, in Hearth's order. */
    List<LlamaCppResult> results(List<BenchResult> hearth) {
        List<LlamaCppResult> results = new ArrayList<>();
        for (BenchResult result : hearth) {
            BenchCase benchCase = new BenchCase(BenchCase.Kind.valueOf(result.kind().toUpperCase(Locale.ROOT)),
                    result.tokens(), result.depth(), result.threads());
            List<Double> rates = samples.get(benchCase);
            if (rates != null && !rates.isEmpty()) {
                results.add(LlamaCppResult.of(result, rates, build));
            }
        }
        return results;
    }

    /** llama.cpp's means as reference rates, so the tables print them beside Hearth's with the ratio. */
    static Baseline asBaseline(String model, List<LlamaCppResult> results, String executable) {
        return new Baseline(results.stream().map(r -> new Baseline.Entry(model, r.kind(), r.tokens(), r.depth(),
                r.threads(), r.meanTokensPerSecond(), "llama.cpp: " + executable + ", build " + r.build()
                + ", one run interleaved with each of Hearth's repetitions (ratio: mean over mean)")).toList());
    }
}
