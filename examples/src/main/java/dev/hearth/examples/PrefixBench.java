package dev.hearth.examples;

import dev.hearth.api.CacheControl;
import dev.hearth.api.ChatRequest;
import dev.hearth.api.ChatResponse;
import dev.hearth.api.GenerationOptions;
import dev.hearth.api.InferenceClient;
import dev.hearth.api.Message;
import dev.hearth.kvcache.PrefixCache;
import dev.hearth.local.Gguf;
import dev.hearth.local.GgufModelSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code hearth prefix-bench --model FILE}: an agent-shaped workload — a long system prompt with tool definitions,
 * then turns of about 50 new tokens each — answered with the prefix cache on and off. Every turn runs both ways on
 * the same client (cache off per call), after one untimed pass that warms up the JIT; answers are greedy, so both
 * ways see the same history. Prints a Markdown table of time to first token per turn.
 */
@Command(name = "prefix-bench", mixinStandardHelpOptions = true,
        description = "Measures time to first token of an agent session with the prefix cache on and off.")
final class PrefixBench implements Callable<Integer> {
    private static final String TOOLS = """
            {"name": "search_files", "description": "Search the project for files whose name or content matches a query.",
             "parameters": {"type": "object", "properties": {"query": {"type": "string"}, "limit": {"type": "integer"}}}}
            {"name": "read_file", "description": "Read a text file of the project, optionally a range of lines.",
             "parameters": {"type": "object", "properties": {"path": {"type": "string"}, "from": {"type": "integer"}}}}
            {"name": "run_tests", "description": "Run the test suite of one module and report failures.",
             "parameters": {"type": "object", "properties": {"module": {"type": "string"}}}}
            """;
    private static final String[] TURN_TEXT = {
            "Please find where the configuration is loaded and tell me which file reads the timeout value from disk.",
            "Now read that file and summarise how the retry loop decides to give up after too many failed attempts.",
            "Run the tests of the network module and list every failure together with the line that raised it today.",
            "The third failure looks like a race; which two threads touch the shared counter without holding a lock?",
            "Suggest the smallest change that fixes the race and explain why it cannot deadlock with the flush thread.",
            "Search for other places that increment the same counter, including the metrics exporter and the tests.",
            "Read the exporter and check whether it reads the counter under the same lock or through a volatile field.",
            "Write a short test that fails before the fix, using two threads and a latch, with no sleeps at all please.",
            "Run the tests again with the fix applied and tell me whether the flaky failure is gone for good this time.",
            "Finally, draft a commit message that explains the race, the fix and the new test in three short lines only."};

    @Option(names = "--model", paramLabel = "FILE", description = "GGUF model file (default: stories260K)")
    Path model;

    @Option(names = "--threads", description = "worker threads (default: available processors)")
    Integer threads;

    @Option(names = "--system-tokens", description = "tokens of system prompt and tools (default: ${DEFAULT-VALUE}; "
            + "reduced to fit the context)", defaultValue = "2000")
    int systemTokens;

    @Option(names = "--turns", description = "user turns (default: ${DEFAULT-VALUE})", defaultValue = "10")
    int turns;

    @Option(names = "--answer-tokens", description = "tokens per answer (default: ${DEFAULT-VALUE})", defaultValue = "8")
    int answerTokens;

    @Option(names = "--block-size", description = "prefix-cache block size (default: ${DEFAULT-VALUE})", defaultValue = "32")
    int blockSize;

    @Option(names = "--cache-mib", description = "prefix-cache memory in MiB (default: ${DEFAULT-VALUE})", defaultValue = "1024")
    long cacheMib;

    @Option(names = "--off-turns", description = "measure the cache off only on the last N turns (default: every "
            + "turn); for large models, where each uncached turn re-prefills the whole conversation")
    Integer offTurns;

    @Option(names = "--short-warm-up", description = "warm the JIT up with one turn on a short system prompt instead "
            + "of a whole untimed session (for large models)")
    boolean shortWarmUp;

    private static final String HEADER = "You are a coding agent. Use the tools below; answer briefly.\n";

    private final PrintStream out = System.out;

    @Override
    public Integer call() {
        if (turns < 1 || turns > TURN_TEXT.length) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--turns must be between 1 and " + TURN_TEXT.length + ", was " + turns);
        }
        GgufModelSpec spec = Gguf.model(model != null ? model : DefaultModel.resolve())
                .prefixCache(PrefixCache.inMemory(cacheMib << 20).blockSize(blockSize));
        if (threads != null) {
            spec.threads(threads);
        }
        GenerationOptions greedy = GenerationOptions.builder().temperature(0).maxTokens(answerTokens).build();
        String system;
        int context;
        try (InferenceClient warmUp = InferenceClient.builder().runtime(spec).build()) {
            context = warmUp.runtimes().getFirst().contextLength();
            int budget = Math.min(systemTokens, context - turns * (60 + answerTokens) - 16);
            if (budget < 64) {
                throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                        "the model's context of " + context + " tokens is too small for " + turns + " turns");
            }
            system = systemPrompt(warmUp, budget);
            // untimed: lets the JIT compile the kernels
            if (shortWarmUp) {
                session(warmUp, HEADER, greedy, 1, 1);
            } else {
                session(warmUp, system, greedy, turns, turns);
            }
        }
        // a fresh runtime, so the measured session starts with an empty cache, as an agent's first session does
        List<Row> rows;
        try (InferenceClient client = InferenceClient.builder().runtime(spec).build()) {
            rows = session(client, system, greedy, turns, offTurns != null ? Math.min(offTurns, turns) : turns);
        }
        report(spec, context, rows);
        return 0;
    }

    private void report(GgufModelSpec spec, int context, List<Row> rows) {
        out.printf(Locale.ROOT, "model %s, context %d, block %d tokens, %d turns, %d answer tokens per turn%n%n",
                spec.path().getFileName(), context, blockSize, turns, answerTokens);
        out.println("| turn | prompt tokens | cached | computed | TTFT off (ms) | TTFT on (ms) | off/on | prefill on (ms) | TTFT on / prefill on |");
        out.println("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        double offTotal = 0;
        double onTotal = 0;
        int withinTarget = 0;
        int offMeasured = 0;
        for (Row row : rows) {
            double ratio = row.onMillis() / row.onPrefillMillis();
            boolean off = !Double.isNaN(row.offMillis());
            out.printf(Locale.ROOT, "| %d | %d | %d | %d | %s | %.1f | %s | %.1f | %.2f |%n", row.turn(), row.promptTokens(),
                    row.cachedTokens(), row.promptTokens() - row.cachedTokens(),
                    off ? String.format(Locale.ROOT, "%.1f", row.offMillis()) : "–", row.onMillis(),
                    off ? String.format(Locale.ROOT, "%.1f×", row.offMillis() / row.onMillis()) : "–",
                    row.onPrefillMillis(), ratio);
            if (row.turn() > 1) {
                withinTarget += ratio <= 1.2 ? 1 : 0;
            }
            if (row.turn() > 1 && off) {
                offMeasured++;
                offTotal += row.offMillis();
                onTotal += row.onMillis();
            }
        }
        out.printf(Locale.ROOT, "%n%d turn(s) after the first measured both ways: TTFT off %.1f ms, on %.1f ms in total "
                        + "(%.1f× faster); %d of %d turns after the first have TTFT within 1.2× of prefilling only their "
                        + "new tokens%n", offMeasured, offTotal, onTotal, offTotal / onTotal, withinTarget, turns - 1);
    }

    private record Row(int turn, int promptTokens, int cachedTokens, double offMillis, double onMillis, double onPrefillMillis) {
    }

    /**
     * Runs the turns, the last {@code offTurns} of them once with the cache off and once on (the others only on);
     * greedy answers make both see the same history.
     */
    private static List<Row> session(InferenceClient client, String system, GenerationOptions options, int turns,
                                     int offTurns) {
        List<Message> history = new ArrayList<>(List.of(Message.system(system)));
        List<Row> measured = new ArrayList<>();
        for (int turn = 0; turn < turns; turn++) {
            history.add(Message.user(TURN_TEXT[turn]));
            ChatRequest request = ChatRequest.builder().messages(history).options(options).build();
            ChatResponse off = turn >= turns - offTurns ? client.call(request.withCache(CacheControl.disabled())) : null;
            ChatResponse on = client.call(request);
            if (off != null && !off.text().equals(on.text())) {
                throw new IllegalStateException("turn " + (turn + 1) + ": the cached answer differs from the uncached one");
            }
            measured.add(new Row(turn + 1, on.usage().promptTokens(), on.usage().cachedPromptTokens(),
                    off != null ? millis(off.timings().timeToFirstToken()) : Double.NaN,
                    millis(on.timings().timeToFirstToken()), millis(on.timings().prefill())));
            history.add(Message.assistant(on.text()));
        }
        return measured;
    }

    private static double millis(java.time.Duration duration) {
        return duration.toNanos() / 1e6;
    }

    private static int promptTokens(InferenceClient client, String text) {
        return client.call(ChatRequest.builder().system(text)
                .options(GenerationOptions.builder().temperature(0).maxTokens(1).build())
                .cache(CacheControl.disabled()).build()).usage().promptTokens();
    }

    /** Tool definitions repeated with numbered variants until the prompt has about {@code tokens} tokens. */
    private static String systemPrompt(InferenceClient client, int tokens) {
        String header = HEADER;
        int headerTokens = promptTokens(client, header);
        int chunkTokens = promptTokens(client, header + variant(0)) - headerTokens;
        StringBuilder text = new StringBuilder(header);
        for (int i = 0; i < Math.max(1, (tokens - headerTokens) / Math.max(1, chunkTokens)); i++) {
            text.append(variant(i));
        }
        return text.toString();
    }

    private static String variant(int number) {
        return TOOLS.replace("\"name\": \"", "\"name\": \"v" + number + "_");
    }
}
