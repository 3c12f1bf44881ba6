package dev.hearth.examples;

import dev.hearth.api.ChatResponse;
import dev.hearth.api.GenerationOptions;
import dev.hearth.api.InferenceClient;
import dev.hearth.local.Gguf;
import dev.hearth.local.GgufModelSpec;
import dev.hearth.local.internal.gguf.GgufFile;
import dev.hearth.local.internal.model.ModelConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code hearth memory --model FILE}: loads a model and reports the Java heap in use after a full GC and the
 * process's resident memory (from {@code /proc/self/status}), before loading, after loading, and after one short
 * generation. The weights are mapped from the file, so they appear as file-backed resident pages ({@code RssFile}),
 * which the kernel can drop and share, never as heap; the heap should hold only the tokenizer, the activations and
 * the KV cache, whose size is printed beside it.
 */
@Command(name = "memory", mixinStandardHelpOptions = true,
        description = "Reports heap and resident memory after loading a model and after a short generation.")
final class MemoryBench implements Callable<Integer> {
    private static final double MIB = 1 << 20;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "GGUF model file")
    Path model;

    @Option(names = "--context", description = "context length in tokens (default: ${DEFAULT-VALUE})", defaultValue = "4096")
    int context;

    @Option(names = "--threads", description = "worker threads (default: available processors)")
    Integer threads;

    @Option(names = "--max-tokens", description = "tokens to generate (default: ${DEFAULT-VALUE})", defaultValue = "16")
    int maxTokens;

    @Option(names = "--prompt", description = "the prompt (default: a short sentence)",
            defaultValue = "Once upon a time, there was a little dog named Max.")
    String prompt;

    private final PrintStream out = System.out;

    @Override
    public Integer call() {
        KvShape kv = KvShape.of(model, context);
        out.printf(Locale.ROOT, "model %s (%.1f MiB), context %d, JVM max heap %.0f MiB%n", model.getFileName(),
                size(model) / MIB, context, Runtime.getRuntime().maxMemory() / MIB);
        out.println("| stage | heap used after GC (MiB) | KV cache (MiB) | heap beyond KV (MiB) | heap committed (MiB) | VmRSS (MiB) | RssAnon (MiB) | RssFile (MiB) |");
        out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        row("before loading", 0);
        GgufModelSpec spec = Gguf.model(model).contextLength(context);
        if (threads != null) {
            spec.threads(threads);
        }
        try (InferenceClient client = InferenceClient.builder().runtime(spec).build()) {
            row("after loading", kv.bytesFor(0));
            ChatResponse answer = client.chat().user(prompt)
                    .options(GenerationOptions.builder().temperature(0).maxTokens(maxTokens).build()).call();
            int positions = answer.usage().promptTokens() + answer.usage().completionTokens();
            row("after generating " + answer.usage().completionTokens() + " tokens (" + positions + " positions)",
                    kv.bytesFor(positions));
        }
        return 0;
    }

    private void row(String stage, long kvBytes) {
        long heap = heapAfterGc();
        Map<String, Long> status = procStatus();
        out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f |%n", stage, heap / MIB,
                kvBytes / MIB, (heap - kvBytes) / MIB,
                ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted() / MIB, status.getOrDefault("VmRSS", -1L) / 1024.0,
                status.getOrDefault("RssAnon", -1L) / 1024.0, status.getOrDefault("RssFile", -1L) / 1024.0);
    }

    /** Heap in use once garbage is collected: GC until the figure stops falling (System.gc() is only a request). */
    private static long heapAfterGc() {
        long previous = Long.MAX_VALUE;
        for (int attempt = 0; attempt < 5; attempt++) {
            System.gc();
            long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            if (used >= previous) {
                return Math.min(used, previous);
            }
            previous = used;
        }
        return previous;
    }

    /** The kB figures of /proc/self/status (Linux); empty elsewhere. */
    private static Map<String, Long> procStatus() {
        Map<String, Long> values = new LinkedHashMap<>();
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return values;
        }
        try {
            for (String line : Files.readAllLines(status)) {
                String[] parts = line.split("\\s+");
                if (parts.length == 3 && parts[2].equals("kB")) {
                    values.put(parts[0].substring(0, parts[0].length() - 1), Long.parseLong(parts[1]));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return values;
    }

    private static long size(Path path) {
        try {
            return Files.size(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The engine's KV cache: float keys and values per layer, starting at 256 positions and doubling as a session
     * grows (see {@code KvCache}).
     */
    private record KvShape(int layers, int kvDimension, int context) {
        static KvShape of(Path model, int runtimeContext) {
            try (GgufFile file = GgufFile.open(model)) {
                ModelConfig config = ModelConfig.from(file.metadata(), 1);
                return new KvShape(config.layerCount(), config.kvDimension(),
                        Math.min(runtimeContext, config.trainedContextLength()));
            }
        }

        long bytesFor(int positions) {
            int capacity = Math.min(context, 256);
            while (capacity < positions) {
                capacity = Math.min(context, Math.max(capacity * 2, positions));
            }
            return 2L * layers * capacity * kvDimension * Float.BYTES;
        }
    }
}
