package dev.hearth.examples.perf;

import dev.hearth.api.ConfigurationException;
import dev.hearth.cluster.WireFormat;
import dev.hearth.examples.ClusterBench;
import dev.hearth.examples.ClusterBenchOptions;
import dev.hearth.examples.SynthCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code hearth bench --model FILE}: llama-bench's cases on Hearth's engine. Every combination of {@code -t} with
 * {@code -d} is run for each {@code -p} and each {@code -n} (a 0 skips that kind), {@code -r} times after a warm-up.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Measures prefill and decode speed like llama-bench: mean ± stddev tokens/s and time to first token.")
public final class BenchCommand implements Callable<Integer> {

    public enum Format { md, json, csv }

    public enum Switch { on, off }

    @Option(names = {"-m", "--model"}, paramLabel = "FILE", description = "GGUF model file")
    Path model;

    @Option(names = "--synthetic", paramLabel = "PRESET[:TYPE]", description = "instead of --model: a synthetic model of a"
            + " preset shape (llama-3.2-1b, qwen2.5-0.5b, tiny-llama) and type (default Q8_0), written once into the cache")
    String synthetic;

    @Option(names = {"-p", "--n-prompt"}, split = ",", paramLabel = "N",
            description = "prompt tokens to prefill, comma-separated list (default: ${DEFAULT-VALUE}; 0 skips)",
            defaultValue = "512")
    List<Integer> prompt;

    @Option(names = {"-n", "--n-gen"}, split = ",", paramLabel = "N",
            description = "tokens to generate, comma-separated list (default: ${DEFAULT-VALUE}; 0 skips)",
            defaultValue = "128")
    List<Integer> generate;

    @Option(names = {"-d", "--n-depth"}, split = ",", paramLabel = "D",
            description = "context depth before the timed tokens, comma-separated list (default: ${DEFAULT-VALUE})",
            defaultValue = "0")
    List<Integer> depths;

    @Option(names = {"-t", "--threads"}, split = ",", paramLabel = "T",
            description = "thread counts, comma-separated list (default: available processors)")
    List<Integer> threads;

    @Option(names = {"-r", "--repetitions"}, paramLabel = "R", description = "timed repetitions per case (default: ${DEFAULT-VALUE})",
            defaultValue = "5")
    int repetitions;

    @Option(names = "--warmup", paramLabel = "W", description = "untimed repetitions per case first (default: ${DEFAULT-VALUE})",
            defaultValue = "1")
    int warmups;

    @Option(names = "--fusion", paramLabel = "on|off", description = "fused QKV and gate/up/activation kernels; "
            + "results are identical either way (default: ${DEFAULT-VALUE})", defaultValue = "on")
    Switch fusion;

    @Option(names = "--prefix-cache", paramLabel = "on|off",
            description = "reuse the depth tokens' keys and values across repetitions instead of recomputing them "
                    + "(changes time to first token, not tokens/s) (default: ${DEFAULT-VALUE})", defaultValue = "off")
    Switch prefixCache;

    @Option(names = {"-o", "--output"}, paramLabel = "md|json|csv", description = "result format (default: ${DEFAULT-VALUE})",
            defaultValue = "md")
    Format output;

    @Option(names = "--output-file", paramLabel = "FILE", description = "write the results in the chosen format here; "
            + "standard output then shows the Markdown table")
    Path outputFile;

    @Option(names = "--baseline", paramLabel = "FILE.csv", description = "reference rates to print ratios against in md "
            + "and csv output (CSV: model,test,threads,tokens_per_second,source; docs/performance/"
            + "llama-cpp-baseline.csv holds llama.cpp's for the 1B-shaped models)")
    Path baselineFile;

    @Option(names = "--compare-llama-cpp", paramLabel = "PATH", description = "also run llama.cpp's llama-bench (this "
            + "executable, or the directory holding it) on the same file, one repetition beside each of Hearth's, and "
            + "print its rates and Hearth's ratio to them in every output format")
    Path llamaCpp;

    @Option(names = "--chart", paramLabel = "FILE.png", description = "also draw tokens/s vs context depth into this PNG")
    Path chart;

    @Option(names = "--cluster", paramLabel = "N", description = "instead: split the model over N processes on 127.0.0.1"
            + " (2 or 3) and compare prefill and decode with one process, with bytes and time per hop (one -p, -n and"
            + " -t value; -t is per stage, default 1); the same run as 'hearth cluster bench --stages N'")
    Integer cluster;

    @Mixin
    ClusterBenchOptions clusterOptions = new ClusterBenchOptions();

    PrintStream out = System.out;
    PrintStream err = System.err;

    @Override
    public Integer call() throws Exception {
        if (cluster != null) {
            return ClusterBench.run(clusterSetup(), out);
        }
        if (!clusterOptions.wireFormat().equals(WireFormat.F32) || clusterOptions.link().active()) {
            throw new ConfigurationException("--wire-format, --link-delay and --link-rate apply to --cluster N only");
        }
        if (chart != null && !chart.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png")) {
            throw new ConfigurationException("--chart must name a .png file, was " + chart);
        }
        List<BenchCase> cases = cases();
        // read before the (long) run, so a bad file fails at once
        Baseline baseline = baselineFile == null ? null : Baseline.read(baselineFile);
        if (baseline != null && llamaCpp != null) {
            throw new ConfigurationException("--baseline and --compare-llama-cpp both give reference rates; use one");
        }
        LlamaBench llamaBench = llamaCpp == null ? null : LlamaBench.at(llamaCpp);
        List<BenchResult> results;
        if ((model == null) == (synthetic == null)) {
            throw new ConfigurationException("bench needs exactly one of --model FILE or --synthetic PRESET[:TYPE]");
        }
        Path modelFile = model != null ? model : SynthCommand.cached(synthetic, System.err);
        LlamaCppComparison comparison = llamaBench == null ? null : new LlamaCppComparison(llamaBench, modelFile, err);
        try (BenchRunner runner = new BenchRunner(modelFile, fusion == Switch.on, prefixCache == Switch.on, repetitions,
                warmups, err)) {
            results = runner.run(cases, comparison);
        }
        BenchReport report = comparison == null ? BenchReport.of(results)
                : BenchReport.of(results, comparison.results(results), llamaBench.executable().toString());
        String text = switch (output) {
            case md -> report.toMarkdown(baseline);
            case json -> report.toJson();
            case csv -> report.toCsv(baseline);
        };
        if (outputFile != null) {
            try {
                Files.writeString(outputFile, text);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + outputFile + ": " + e.getMessage(), e);
            }
            // the file is for machines (probe --bench-json, spreadsheets); the reader still sees the table
            err.println("results written to " + outputFile);
            out.print(report.toMarkdown(baseline));
            out.flush();
        } else {
            out.print(text);
            out.flush();
        }
        if (chart != null) {
            DepthChart.write(results, report.llamaCpp(), chart);
            err.println("chart written to " + chart);
        }
        return 0;
    }

    /** The cluster run these options ask for; refuses what only the single-process bench can do. */
    ClusterBench.Setup clusterSetup() {
        if (depths.size() != 1 || depths.getFirst() != 0 || output != Format.md || outputFile != null
                || baselineFile != null || llamaCpp != null || chart != null || prefixCache == Switch.on) {
            throw new ConfigurationException("--cluster prints its own table: -d, -o, --output-file, --baseline,"
                    + " --compare-llama-cpp, --chart and --prefix-cache do not apply to it");
        }
        List<Integer> threadCounts = threads == null ? List.of(1) : threads;
        if (prompt.size() != 1 || generate.size() != 1 || threadCounts.size() != 1) {
            throw new ConfigurationException("--cluster runs one case: give a single -p, -n and -t value");
        }
        if ((model == null) == (synthetic == null)) {
            throw new ConfigurationException("bench needs exactly one of --model FILE or --synthetic PRESET[:TYPE]");
        }
        Path modelFile = model != null ? model : SynthCommand.cached(synthetic, err);
        return new ClusterBench.Setup(modelFile, cluster, prompt.getFirst(), generate.getFirst(), threadCounts.getFirst(),
                warmups, repetitions, clusterOptions.wireFormat(), clusterOptions.link());
    }

    List<BenchCase> cases() {
        List<Integer> threadCounts = threads == null ? List.of(Runtime.getRuntime().availableProcessors()) : threads;
        requireAll(prompt, 0, "-p");
        requireAll(generate, 0, "-n");
        requireAll(depths, 0, "-d");
        requireAll(threadCounts, 1, "-t");
        List<BenchCase> cases = new ArrayList<>();
        for (int threadCount : threadCounts) {
            for (int depth : depths) {
                for (int tokens : prompt) {
                    if (tokens > 0) {
                        cases.add(new BenchCase(BenchCase.Kind.PP, tokens, depth, threadCount));
                    }
                }
                for (int tokens : generate) {
                    if (tokens > 0) {
                        cases.add(new BenchCase(BenchCase.Kind.TG, tokens, depth, threadCount));
                    }
                }
            }
        }
        if (cases.isEmpty()) {
            throw new ConfigurationException("nothing to run: every -p and -n is 0");
        }
        return cases;
    }

    private static void requireAll(List<Integer> values, int minimum, String option) {
        for (int value : values) {
            if (value < minimum) {
                throw new ConfigurationException(option + " values must be >= " + minimum + ", got " + value);
            }
        }
    }
}
