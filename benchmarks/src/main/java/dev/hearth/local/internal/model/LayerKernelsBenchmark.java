package dev.hearth.local.internal.model;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The non-matrix kernels of one decode step, at Llama-3.2-1B's shape (embedding 2048, 32 query heads sharing 8 KV
 * heads of 64 dimensions): RMSNorm of the residual stream, RoPE over all query heads (both pairings), the softmax of
 * one head's scores, and one layer's attention over the KV cache at a context depth — all heads, as decode runs it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class LayerKernelsBenchmark {
    private static final int EMBEDDING = 2048;
    private static final int HEADS = 32;
    private static final int KV_HEADS = 8;
    private static final int HEAD_DIMENSION = 64;
    private static final int KV_DIMENSION = KV_HEADS * HEAD_DIMENSION;

    /** Positions attended over (the context depth + 1). */
    @Param({"1024", "4096"})
    public int positions;

    private float[] hidden;
    private float[] normalized;
    private float[] normWeight;
    private float[] query;
    private float[] cos;
    private float[] sin;
    private float[] keys;
    private float[] values;
    private float[] scores;
    private float[] groupScores;
    private float[] scoreSource;
    private float[] attentionOutput;

    @Setup(Level.Trial)
    public void fill() {
        SplittableRandom random = new SplittableRandom(7);
        hidden = uniform(EMBEDDING, random);
        normalized = new float[EMBEDDING];
        normWeight = uniform(EMBEDDING, random);
        query = uniform(HEADS * HEAD_DIMENSION, random);
        cos = uniform(HEAD_DIMENSION / 2, random);
        sin = uniform(HEAD_DIMENSION / 2, random);
        keys = uniform(positions * KV_DIMENSION, random);
        values = uniform(positions * KV_DIMENSION, random);
        scores = new float[positions];
        groupScores = new float[(HEADS / KV_HEADS) * positions];
        scoreSource = uniform(positions, random);
        attentionOutput = new float[HEADS * HEAD_DIMENSION];
    }

    private static float[] uniform(int count, SplittableRandom random) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return values;
    }

    @Benchmark
    public float[] rmsNorm() {
        LayerKernels.rmsNorm(normalized, hidden, 0, EMBEDDING, normWeight, 1e-5f);
        return normalized;
    }

    @Benchmark
    public float[] ropeNormal() {
        LayerKernels.applyRope(query, HEADS, HEAD_DIMENSION, HEAD_DIMENSION / 2, RopeStyle.NORMAL, cos, sin);
        return query;
    }

    @Benchmark
    public float[] ropeNeox() {
        LayerKernels.applyRope(query, HEADS, HEAD_DIMENSION, HEAD_DIMENSION / 2, RopeStyle.NEOX, cos, sin);
        return query;
    }

    /** One head's softmax over {@code positions} scores. */
    @Benchmark
    public float[] softmax() {
        System.arraycopy(scoreSource, 0, scores, 0, positions);
        LayerKernels.softmax(scores, 0, positions - 1);
        return scores;
    }

    /** One layer's attention, all 32 heads, over {@code positions} cached keys and values. */
    @Benchmark
    public float[] attention() {
        java.util.Arrays.fill(attentionOutput, 0f);
        for (int head = 0; head < HEADS; head++) {
            int kvOffset = (head / (HEADS / KV_HEADS)) * HEAD_DIMENSION;
            LayerKernels.attendHead(query, head * HEAD_DIMENSION, keys, values, KV_DIMENSION, kvOffset,
                    HEAD_DIMENSION, 0, positions - 1, 0.125f, 0f, scores, attentionOutput);
        }
        return attentionOutput;
    }

    /**
     * The same layer as decode runs it since the attention work (docs/performance/attention.md): the four query heads
     * of each KV head together, so the shared keys and values are read once per group. Bit-identical to
     * {@link #attention}; one thread (decode splits the groups across the pool).
     */
    @Benchmark
    public float[] attentionGroups() {
        int group = HEADS / KV_HEADS;
        for (int kvHead = 0; kvHead < KV_HEADS; kvHead++) {
            LayerKernels.attendHeads(query, kvHead * group * HEAD_DIMENSION, group, keys, values, KV_DIMENSION,
                    kvHead * HEAD_DIMENSION, HEAD_DIMENSION, 0, positions - 1, 0.125f, 0f, groupScores, positions,
                    attentionOutput);
        }
        return attentionOutput;
    }
}
