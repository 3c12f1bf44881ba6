package dev.hearth.examples.perf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A bench run's results with the machine they ran on, in the three forms {@code hearth bench --output} offers. The
 * JSON form is what {@code hearth probe --bench-json} reads back.
 *
 * @param loadAverage        the system's one-minute load average when the run ended (negative where unknown): the
 *                           bench's own threads count in it, so on a quiet machine it is about the thread count
 * @param llamaCpp           llama.cpp's rates on the same cases, interleaved with Hearth's repetitions
 *                           ({@code --compare-llama-cpp}); empty otherwise
 * @param llamaCppExecutable the llama-bench that produced {@code llamaCpp}, or null
 */
public record BenchReport(String machine, String jvm, int availableProcessors, double loadAverage,
                          List<BenchResult> results, List<LlamaCppResult> llamaCpp, String llamaCppExecutable) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public BenchReport {
        results = List.copyOf(results);
        // reports written before the comparison existed have no such field
        llamaCpp = llamaCpp == null ? List.of() : List.copyOf(llamaCpp);
    }

    static BenchReport of(List<BenchResult> results) {
        return of(results, List.of(), null);
    }

    static BenchReport of(List<BenchResult> results, List<LlamaCppResult> llamaCpp, String llamaCppExecutable) {
        return new BenchReport(System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), results, llamaCpp,
                llamaCppExecutable);
    }

    /** The baseline the tables compare with: llama.cpp's interleaved rates when measured, else {@code given}. */
    private Baseline reference(Baseline given) {
        if (llamaCpp.isEmpty()) {
            return given;
        }
        return LlamaCppComparison.asBaseline(results.getFirst().model(), llamaCpp, llamaCppExecutable);
    }

    public static BenchReport readJson(Path path) {
        try {
            return JSON.readValue(path.toFile(), BenchReport.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read bench results from " + path + ": " + e.getMessage(), e);
        }
    }

    String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** llama-bench's table layout, plus time to first token and the CPU share the bench thread got. */
    String toMarkdown() {
        return toMarkdown(null);
    }

    /**
     * {@link #toMarkdown()} with, when {@code baseline} is given, each case's reference rate and the ratio of the
     * measured mean to it ("–" where the baseline has no such case).
     */
    String toMarkdown(Baseline given) {
        Baseline baseline = reference(given);
        StringBuilder out = new StringBuilder();
        out.append("| model | size | params | threads | fusion | prefix cache | test | t/s | TTFT ms | cpu | alloc B/tok |");
        out.append(baseline == null ? "\n" : llamaCpp.isEmpty() ? " baseline t/s | ratio |\n"
                : " llama.cpp t/s | Hearth / llama.cpp |\n");
        out.append("| --- | ---: | ---: | ---: | --- | --- | --- | ---: | ---: | ---: | ---: |");
        out.append(baseline == null ? "\n" : " ---: | ---: |\n");
        for (BenchResult r : results) {
            out.append(String.format(Locale.ROOT, "| %s | %.2f MiB | %.2f M | %d | %s | %s | %s | %.2f ± %.2f | %.1f ± %.1f | %.0f%% | %.0f |",
                    r.model(), r.modelBytes() / (1024.0 * 1024.0), r.parameters() / 1e6, r.threads(),
                    r.fusion() ? "on" : "off", r.prefixCache() ? "on" : "off", r.test(), r.meanTokensPerSecond(),
                    r.stddevTokensPerSecond(), r.meanTtftMillis(), r.stddevTtftMillis(), 100 * r.cpuUtilization(),
                    r.allocatedBytesPerToken()));
            if (baseline != null) {
                out.append(baseline.find(r)
                        .map(entry -> String.format(Locale.ROOT, " %.1f | %.2f× |", entry.tokensPerSecond(),
                                r.meanTokensPerSecond() / entry.tokensPerSecond()))
                        .orElse(" – | – |"));
            }
            out.append('\n');
        }
        if (baseline != null) {
            baseline.entries().stream().map(Baseline.Entry::source).filter(source -> !source.isEmpty()).distinct()
                    .forEach(source -> out.append("\nbaseline: ").append(source).append('\n'));
        }
        if (loadAverage >= 0) {
            out.append(String.format(Locale.ROOT, "%nload average at the end: %.2f on %d processors%n", loadAverage,
                    availableProcessors));
        }
        return out.toString();
    }

    String toCsv() {
        return toCsv(null);
    }

    /** {@link #toCsv()} with {@code baseline_ts} and {@code ratio} columns (empty where the baseline has no case). */
    String toCsv(Baseline given) {
        Baseline baseline = reference(given);
        CsvMapper csv = new CsvMapper();
        CsvSchema schema = CsvSchema.builder()
                .addColumn("model").addColumn("model_bytes").addColumn("parameters").addColumn("test")
                .addColumn("kind").addColumn("tokens").addColumn("depth").addColumn("threads").addColumn("fusion")
                .addColumn("prefix_cache").addColumn("repetitions").addColumn("avg_ts").addColumn("stddev_ts")
                .addColumn("avg_ttft_ms").addColumn("stddev_ttft_ms").addColumn("cpu_utilization").addColumn("allocated_bytes_per_token")
                .addColumn("baseline_ts").addColumn("ratio")
                .build().withHeader();
        List<Map<String, Object>> rows = results.stream().map(r -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("model", r.model());
            row.put("model_bytes", r.modelBytes());
            row.put("parameters", r.parameters());
            row.put("test", r.test());
            row.put("kind", r.kind());
            row.put("tokens", r.tokens());
            row.put("depth", r.depth());
            row.put("threads", r.threads());
            row.put("fusion", r.fusion());
            row.put("prefix_cache", r.prefixCache());
            row.put("repetitions", r.repetitions());
            row.put("avg_ts", r.meanTokensPerSecond());
            row.put("stddev_ts", r.stddevTokensPerSecond());
            row.put("avg_ttft_ms", r.meanTtftMillis());
            row.put("stddev_ttft_ms", r.stddevTtftMillis());
            row.put("cpu_utilization", r.cpuUtilization());
            row.put("allocated_bytes_per_token", r.allocatedBytesPerToken());
            Optional<Baseline.Entry> reference = baseline == null ? Optional.empty() : baseline.find(r);
            row.put("baseline_ts", reference.map(Baseline.Entry::tokensPerSecond).map(String::valueOf).orElse(""));
            row.put("ratio", reference.map(entry -> String.valueOf(r.meanTokensPerSecond() / entry.tokensPerSecond()))
                    .orElse(""));
            return row;
        }).toList();
        try {
            return csv.writer(schema).writeValueAsString(rows);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
