package dev.hearth.examples.perf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * llama.cpp's {@code llama-bench}, run one case and one repetition at a time so that {@code hearth bench
 * --compare-llama-cpp} can alternate it with Hearth's own repetitions on the same file: two engines measured minutes
 * or machines apart do not compare, one interleaved run does.
 */
public final class LlamaBench {

    /** The executable's name in a llama.cpp build directory or release archive. */
    static final String EXECUTABLE = "llama-bench";

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A case that takes longer than this is stuck (llama-bench pp512 on one slow core takes tens of seconds). */
    private static final long TIMEOUT_MINUTES = 30;

    private final Path executable;

    private LlamaBench(Path executable) {
        this.executable = executable;
    }

    /** One llama-bench result row: a case and its rates (tokens/s), one per repetition. */
    public record Run(String kind, int tokens, int depth, int threads, List<Double> tokensPerSecondSamples,
                      String build) {
        public Run {
            tokensPerSecondSamples = List.copyOf(tokensPerSecondSamples);
        }

        boolean sameCase(BenchCase benchCase) {
            return kind.equals(benchCase.kind().name().toLowerCase(java.util.Locale.ROOT))
                    && tokens == benchCase.tokens() && depth == benchCase.depth() && threads == benchCase.threads();
        }
    }

    /**
     * The llama-bench at {@code path}: the executable itself, or a directory holding it (a build's {@code bin/}, a
     * release archive's top directory).
     *
     * @throws LlamaBenchUnavailableException if there is no executable llama-bench there
     */
    public static LlamaBench at(Path path) {
        Path candidate = Files.isDirectory(path) ? path.resolve(EXECUTABLE) : path;
        if (!Files.exists(candidate)) {
            throw new LlamaBenchUnavailableException("no " + EXECUTABLE + " at " + candidate + (Files.isDirectory(path)
                    ? "" : " (--compare-llama-cpp takes the llama-bench executable or the directory that holds it)"));
        }
        if (Files.isDirectory(candidate) || !Files.isExecutable(candidate)) {
            throw new LlamaBenchUnavailableException(candidate + " is not an executable file");
        }
        return new LlamaBench(candidate.toAbsolutePath());
    }

    public Path executable() {
        return executable;
    }

    /** The command line that runs {@code benchCase} once on {@code model} and prints JSON. */
    List<String> command(Path model, BenchCase benchCase) {
        boolean prefill = benchCase.kind() == BenchCase.Kind.PP;
        return List.of(executable.toString(), "-m", model.toAbsolutePath().toString(),
                "-p", prefill ? String.valueOf(benchCase.tokens()) : "0",
                "-n", prefill ? "0" : String.valueOf(benchCase.tokens()),
                "-d", String.valueOf(benchCase.depth()), "-t", String.valueOf(benchCase.threads()),
                "-r", "1", "-o", "json");
    }

    /**
     * Runs {@code benchCase} once (llama-bench adds its own untimed warm-up run) and returns its rate in tokens/s.
     *
     * @throws LlamaBenchFailedException if llama-bench exits with an error, times out or prints no row for the case
     */
    public Run run(Path model, BenchCase benchCase) {
        List<String> command = command(model, benchCase);
        Process process;
        try {
            process = new ProcessBuilder(command).start();
        } catch (IOException e) {
            throw new LlamaBenchUnavailableException("cannot start " + executable + ": " + e.getMessage(), e);
        }
        try {
            // drain both streams at once: a full stderr pipe would block llama-bench before it prints the JSON
            CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
            String stdout = readAll(process.getInputStream());
            if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                throw new LlamaBenchFailedException(String.join(" ", command) + " did not finish in "
                        + TIMEOUT_MINUTES + " minutes");
            }
            if (process.exitValue() != 0) {
                throw new LlamaBenchFailedException(String.join(" ", command) + " exited with " + process.exitValue()
                        + ": " + lastLines(stderr.join(), 5));
            }
            return parse(stdout).stream().filter(run -> run.sameCase(benchCase)).findFirst()
                    .orElseThrow(() -> new LlamaBenchFailedException(String.join(" ", command)
                            + " printed no result for " + benchCase.label() + " on " + benchCase.threads()
                            + " threads"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LlamaBenchFailedException("interrupted while waiting for " + executable, e);
        } finally {
            process.destroy();
        }
    }

    /**
     * The rows of llama-bench's {@code -o json} output: a row with {@code n_prompt > 0} is a prefill case
     * ({@code pp}), otherwise a generation case ({@code tg}); {@code samples_ts} holds one rate per repetition.
     *
     * @throws LlamaBenchFailedException if the text is not llama-bench's JSON
     */
    static List<Run> parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new LlamaBenchFailedException("llama-bench printed no JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isArray()) {
            throw new LlamaBenchFailedException("llama-bench's JSON output should be an array of results");
        }
        List<Run> runs = new ArrayList<>();
        for (JsonNode row : root) {
            int prompt = required(row, "n_prompt").asInt();
            int generated = required(row, "n_gen").asInt();
            JsonNode samples = required(row, "samples_ts");
            List<Double> rates = new ArrayList<>();
            for (JsonNode sample : samples) {
                rates.add(sample.asDouble());
            }
            if (rates.isEmpty()) {
                rates.add(required(row, "avg_ts").asDouble());
            }
            String build = row.path("build_commit").asText("unknown") + " (" + row.path("backends").asText("?")
                    + ", " + row.path("cpu_info").asText("?") + ")";
            runs.add(new Run(prompt > 0 ? "pp" : "tg", prompt > 0 ? prompt : generated,
                    row.path("n_depth").asInt(0), required(row, "n_threads").asInt(), rates, build));
        }
        return runs;
    }

    private static JsonNode required(JsonNode row, String field) {
        JsonNode value = row.get(field);
        if (value == null || value.isNull()) {
            throw new LlamaBenchFailedException("a llama-bench result has no '" + field + "' field: " + row);
        }
        return value;
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(could not read: " + e.getMessage() + ")";
        }
    }

    private static String lastLines(String text, int count) {
        List<String> lines = text.strip().lines().toList();
        return String.join(" | ", lines.subList(Math.max(0, lines.size() - count), lines.size()));
    }
}
