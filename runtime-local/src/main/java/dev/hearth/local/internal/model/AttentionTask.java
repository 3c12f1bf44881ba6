package dev.hearth.local.internal.model;

import dev.hearth.local.internal.threads.WorkerPool;

/**
 * One layer's attention for a block of tokens (decode is a block of one) as one split of the worker pool: the work
 * items are (query head, token) pairs ordered by KV head, then token, then query head within the KV head's group, so
 * each share takes whole KV groups for every token of the block (equal work per share) and a run of query heads
 * that share a KV head goes through {@link LayerKernels#attendHeads} together, reading the shared keys and values
 * once. Each head is computed wholly by one thread with the same operations however the runs fall, so the result is
 * bit-identical for every thread count, and identical between prefill and decode.
 *
 * <p>Each share has its own scores buffer, {@link #scoreCapacity} floats per query head of a group, made when a pool
 * with more threads than seen before first runs, and grown by doubling (up to the context length) when a position
 * beyond it is reached: a model whose file declares a huge context allocates for the positions it uses, and a long
 * session reallocates a logarithmic number of times, never per token. Reused per session, like
 * {@link MatMulTask}: the pool publishes the task through a volatile write before workers read these fields.
 */
final class AttentionTask implements WorkerPool.ShareTask {
    private final ModelConfig config;
    /** Positions the scores buffers start with (64 KiB per group of four query heads). */
    private static final int INITIAL_SCORE_POSITIONS = 4096;

    private final int contextLength;
    private float[][] shareScores = new float[0][];
    /** Positions each share's buffer holds per query head: the stride between heads' scores. */
    private int scoreCapacity;

    private float[] queries;
    private float[] keys;
    private float[] values;
    private float[] output;
    private int layer;
    private int start;
    private int count;

    AttentionTask(ModelConfig config, int contextLength) {
        this.config = config;
        this.contextLength = contextLength;
    }

    /**
     * Attention for tokens at positions {@code start .. start+count-1}: their queries are packed token after token
     * in {@code queries} ({@code queryDimension} each), their outputs go to the same places of {@code output}, and
     * the layer's keys and values for every position up to the last token's are already in the cache arrays.
     */
    void run(WorkerPool pool, int layer, float[] queries, float[] keys, float[] values, int start, int count,
             float[] output) {
        ensureShares(pool.threads(), start + count);
        this.layer = layer;
        this.queries = queries;
        this.keys = keys;
        this.values = values;
        this.start = start;
        this.count = count;
        this.output = output;
        long positionsAttended = (long) count * start + (long) count * (count + 1) / 2;
        // multiply-adds of the q·k passes: heads × positions × head dimension, summed over the block
        long work = positionsAttended * config.headCount() * config.headDimension();
        try {
            pool.forShares(config.headCount() * count, work < WorkerPool.MIN_SPLIT_WORK, this);
        } finally {
            this.queries = null;
            this.keys = null;
            this.values = null;
            this.output = null;
        }
    }

    private void ensureShares(int threads, int positions) {
        if (positions > scoreCapacity) {
            scoreCapacity = (int) Math.min(contextLength,
                    Math.max(positions, Math.max(INITIAL_SCORE_POSITIONS, 2L * scoreCapacity)));
            shareScores = new float[0][];
        }
        if (shareScores.length < threads) {
            float[][] grown = new float[threads][];
            for (int share = 0; share < threads; share++) {
                grown[share] = share < shareScores.length ? shareScores[share]
                        : new float[config.queriesPerKvHead() * scoreCapacity];
            }
            shareScores = grown;
        }
    }

    @Override
    public void run(int share, int startItem, int endItem) {
        float[] scores = shareScores[share];
        int headDimension = config.headDimension();
        int queryDimension = config.queryDimension();
        int kvDimension = config.kvDimension();
        int queriesPerKvHead = config.queriesPerKvHead();
        float scale = config.attentionScale();
        float softCap = config.features().attentionSoftCap();
        SlidingWindow window = config.slidingWindow();
        int item = startItem;
        while (item < endItem) {
            int headInGroup = item % queriesPerKvHead;
            int tokenAndGroup = item / queriesPerKvHead;
            int token = tokenAndGroup % count;
            int kvHead = tokenAndGroup / count;
            int heads = Math.min(queriesPerKvHead - headInGroup, endItem - item);
            int position = start + token;
            int queryOffset = token * queryDimension + (kvHead * queriesPerKvHead + headInGroup) * headDimension;
            LayerKernels.attendHeads(queries, queryOffset, heads, keys, values, kvDimension, kvHead * headDimension,
                    headDimension, window.firstVisible(layer, position), position, scale, softCap, scores,
                    scoreCapacity, output);
            item += heads;
        }
    }
}
