package dev.hearth.examples.perf;

import dev.hearth.api.ConfigurationException;
import dev.hearth.local.internal.gguf.GgufFile;
import dev.hearth.local.internal.model.ForwardState;
import dev.hearth.local.internal.model.KvCache;
import dev.hearth.local.internal.model.ModelConfig;
import dev.hearth.local.internal.model.TransformerModel;
import dev.hearth.local.internal.tensor.VectorSupport;
import dev.hearth.local.internal.threads.WorkerPool;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Runs llama-bench-style cases straight on the engine's forward pass (no tokenizer or chat template: the inputs are
 * random token ids from a fixed seed, as llama-bench's are), so the numbers are the engine's alone.
 *
 * <p>Per repetition: the context is brought to {@code depth} tokens — recomputed each time with the prefix cache off,
 * restored from the previous repetition with it on (the cached keys and values are kept and the session rewinds to
 * them, which is what a prefix-cache hit amounts to) — then the timed tokens run. {@code pp} prefills its tokens in
 * blocks, as the runtime does ({@link TransformerModel#prefill}), and
 * computes logits for the last one only; {@code tg} decodes greedily, computing logits for every token. Each case runs
 * {@code warmups} untimed repetitions first so the JIT has compiled the kernels.
 */
public final class BenchRunner implements AutoCloseable {
    private final GgufFile file;
    private final ModelConfig config;
    private final TransformerModel model;
    private final ModelCost cost;
    private final boolean fusion;
    private final boolean prefixCache;
    private final int repetitions;
    private final int warmups;
    private final PrintStream progress;

    public BenchRunner(Path modelPath, boolean fusion, boolean prefixCache, int repetitions, int warmups,
                       PrintStream progress) {
        if (repetitions < 1) {
            throw new ConfigurationException("repetitions must be >= 1, was " + repetitions);
        }
        if (warmups < 0) {
            throw new ConfigurationException("warm-up repetitions must be >= 0, was " + warmups);
        }
        VectorSupport.require();
        this.file = GgufFile.open(modelPath);
        try {
            this.cost = ModelCost.of(file);
            this.config = cost.config();
            this.model = new TransformerModel(file, config, fusion);
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
        this.fusion = fusion;
        this.prefixCache = prefixCache;
        this.repetitions = repetitions;
        this.warmups = warmups;
        this.progress = progress;
    }

    public ModelCost cost() {
        return cost;
    }

    /**
     * Another engine's run of a case, done beside each of Hearth's timed repetitions so both see the same machine
     * ({@code --compare-llama-cpp}): before even repetitions and after odd ones, so neither always goes first.
     */
    @FunctionalInterface
    public interface Interleaved {
        void run(BenchCase benchCase);
    }

    /** Runs every case in order, one worker pool per thread count. */
    public List<BenchResult> run(List<BenchCase> cases) {
        return run(cases, null);
    }

    /** {@link #run(List)}, calling {@code beside} (when not null) once per timed repetition of every case. */
    public List<BenchResult> run(List<BenchCase> cases, Interleaved beside) {
        int context = 0;
        for (BenchCase benchCase : cases) {
            context = Math.max(context, benchCase.contextNeeded());
        }
        if (context > config.trainedContextLength()) {
            throw new ConfigurationException("the cases need " + context + " tokens of context but "
                    + cost.fileName() + " was trained for " + config.trainedContextLength()
                    + "; lower -p, -n or -d");
        }
        List<BenchResult> results = new ArrayList<>();
        KvCache cache = model.newKvCache(context);
        ForwardState state = model.newState(context);
        for (BenchCase benchCase : cases) {
            try (WorkerPool pool = new WorkerPool(benchCase.threads(), "hearth-bench")) {
                results.add(run(benchCase, cache, state, pool, beside));
            }
        }
        return results;
    }

    private BenchResult run(BenchCase benchCase, KvCache cache, ForwardState state, WorkerPool pool,
                            Interleaved beside) {
        int[] depthTokens = randomTokens(benchCase.depth(), 1);
        int[] promptTokens = randomTokens(benchCase.tokens(), 2);
        cache.truncate(0);
        if (prefixCache) {
            // the first request pays for the prefix; every timed one after it hits the cache
            prefill(depthTokens, 0, cache, state, pool, false);
        }
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        List<Double> rates = new ArrayList<>();
        List<Double> ttfts = new ArrayList<>();
        double cpuSum = 0;
        long allocatedTimed = 0;
        for (int repetition = -warmups; repetition < repetitions; repetition++) {
            if (beside != null && repetition >= 0 && repetition % 2 == 0) {
                beside.run(benchCase);
            }
            long cpuStart = mx.getCurrentThreadCpuTime();
            long requestStart = System.nanoTime();
            if (prefixCache) {
                cache.truncate(benchCase.depth());
            } else {
                cache.truncate(0);
                prefill(depthTokens, 0, cache, state, pool, false);
            }
            long allocatedStart = mx.getCurrentThreadAllocatedBytes();
            long timedStart = System.nanoTime();
            long firstToken;
            if (benchCase.kind() == BenchCase.Kind.PP) {
                prefill(promptTokens, benchCase.depth(), cache, state, pool, true);
                firstToken = System.nanoTime();
            } else {
                firstToken = decode(promptTokens[0], benchCase.tokens(), benchCase.depth(), cache, state, pool);
            }
            long end = System.nanoTime();
            long allocated = mx.getCurrentThreadAllocatedBytes() - allocatedStart;
            long cpu = mx.getCurrentThreadCpuTime() - cpuStart;
            if (repetition >= 0) {
                rates.add(benchCase.tokens() / ((end - timedStart) / 1e9));
                ttfts.add((firstToken - requestStart) / 1e6);
                cpuSum += (double) cpu / (end - requestStart);
                allocatedTimed += allocated;
            }
            if (beside != null && repetition >= 0 && repetition % 2 == 1) {
                beside.run(benchCase);
            }
        }
        BenchResult result = new BenchResult(cost.fileName(), cost.tensorBytes(), cost.matrixParameters(),
                benchCase.label(), benchCase.kind().label(), benchCase.tokens(), benchCase.depth(),
                benchCase.threads(), fusion, prefixCache, repetitions, BenchResult.mean(rates),
                BenchResult.stddev(rates), BenchResult.mean(ttfts), BenchResult.stddev(ttfts), cpuSum / repetitions,
                (double) allocatedTimed / ((long) repetitions * benchCase.tokens()), rates, ttfts);
        progress.printf(java.util.Locale.ROOT, "%-16s t=%d  %8.2f ± %.2f tok/s  ttft %.1f ms%n", result.test(),
                result.threads(), result.meanTokensPerSecond(), result.stddevTokensPerSecond(),
                result.meanTtftMillis());
        if (result.allocatedBytesPerToken() > 0) {
            progress.printf(java.util.Locale.ROOT, "  note: %.0f bytes allocated per token: either the kernels were "
                    + "not all compiled yet (raise --warmup) or the loop allocates in steady state (if a larger "
                    + "--warmup does not lower it)%n", result.allocatedBytesPerToken());
        }
        if (result.threads() == 1 && result.cpuUtilization() < 0.9) {
            progress.printf(java.util.Locale.ROOT, "  note: the bench thread got %.0f%% of a core; other processes "
                    + "were running, so these rates are pessimistic%n", 100 * result.cpuUtilization());
        }
        return result;
    }

    /** The runtime's prefill: blocks of tokens through {@link TransformerModel#prefill}, starting at {@code from}. */
    private void prefill(int[] tokens, int from, KvCache cache, ForwardState state, WorkerPool pool, boolean logits) {
        if (cache.length() != from) {
            throw new IllegalStateException("prefill at " + from + " but the cache holds " + cache.length());
        }
        model.prefill(tokens, 0, tokens.length, cache, state, pool, logits);
    }

    /** Decodes {@code count} tokens greedily from {@code first}; returns when the first token's logits were ready. */
    private long decode(int first, int count, int from, KvCache cache, ForwardState state, WorkerPool pool) {
        int token = first;
        long firstToken = 0;
        for (int i = 0; i < count; i++) {
            model.forward(token, from + i, cache, state, pool, true);
            token = argmax(state.logits());
            if (i == 0) {
                firstToken = System.nanoTime();
            }
        }
        return firstToken;
    }

    private static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    private int[] randomTokens(int count, long stream) {
        SplittableRandom random = new SplittableRandom(0x5EED_0000L + stream);
        int[] tokens = new int[count];
        for (int i = 0; i < count; i++) {
            tokens[i] = random.nextInt(config.vocabularySize());
        }
        return tokens;
    }

    @Override
    public void close() {
        file.close();
    }
}
