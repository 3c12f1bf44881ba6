package dev.hearth.local.internal.tensor;

import static dev.hearth.local.internal.tensor.KernelSpecies.FLOAT;
import static dev.hearth.local.internal.tensor.KernelSpecies.FLOAT_LANES;

import jdk.incubator.vector.FloatVector;

/**
 * The batched product of Q8_0, Q4_0 (block-scaled: {@link BlockWeightMatrix#decodesScaledPanels}) and Q4_K (weights
 * formed before they meet x: {@link BlockWeightMatrix#decodesAffinePanels}) as a register-blocked GEMM, bit-identical
 * to the row kernels. Weights are decoded once per panel ({@link #panelRows} rows × a slice of {@link #sliceBlocks}
 * blocks) into a float tile that stays in L1, then a micro-kernel applies four rows of it to three tokens at once:
 * twelve independent accumulator chains, each weight vector loaded once for three tokens and each input vector once
 * for four rows.
 *
 * <p><b>Why the bits do not change.</b> The row kernels ({@code rowDot}) compute, per block of 32 values, {@code s =
 * w[0..16)·x[0..16)} then {@code s = fma(w[16..32), x[16..32), s)} with w the block's unscaled quants as floats, and
 * add {@code s·d} into one of two accumulators by FMA: blocks 0, 2, 4, … into one and 1, 3, 5, … into the other; the
 * result is the lanes of their sum added left to right. The tile holds exactly those unscaled floats (conversion of
 * a small integer is exact) and each block's d, and each accumulator here sees exactly its blocks' operations in
 * increasing block order. The two chains of a (row, token) are independent, so this kernel runs all even blocks of a
 * slice, then all odd ones — which changes nothing in either chain and halves the live accumulators, so that twelve
 * (row, token) pairs fit in the registers. Q4_K's row kernel forms each weight first and keeps one FMA chain per
 * parity of the 32-value sub-block; its tile holds those weights and {@link #affineKernel} replays the chains the same
 * way. The kernels need 16-lane floats (two parts per block, in column order, which
 * is also Q4_0's nibble order at that width); on narrower vectors {@link #supported()} is false and the row kernels
 * are used.
 *
 * <p>The micro-kernel is one static method with every vector a local: no helper takes or returns a vector, which C2
 * could compile on its own first and then call out of line with boxed vectors (docs/performance/round-two.md).
 */
final class PanelGemm {
    /** Rows of the micro-kernel. */
    static final int ROWS = 4;
    /** Tokens of the micro-kernel: a 32-token prefill block is eleven groups, the last one of two. */
    static final int TOKENS = 3;
    static final int BLOCK_VALUES = 32;
    /**
     * Default rows decoded per panel (a multiple of {@link #ROWS}) and blocks per K-slice: 8 × 32 (a 32 KiB tile) was
     * the fastest of 4-32 rows × 8-64 blocks on the 1B shapes, by a few per cent; see docs/performance/prefill.md.
     */
    static final int DEFAULT_PANEL_ROWS = 8;
    static final int DEFAULT_SLICE_BLOCKS = 32;
    /**
     * Smaller batches keep the row kernels, which already share each block's decoding between two tokens: with one to
     * three tokens the panel decoding has little to be amortised over (not measured separately).
     */
    static final int MIN_TOKENS = 4;

    /**
     * {@code -Dhearth.prefillGemm=false} turns this path off (the row kernels run every batched product), for A/B
     * measurements of the same build; the results are the same bits either way.
     */
    static final boolean ENABLED = !"false".equals(System.getProperty("hearth.prefillGemm"));

    private static final int ACCUMULATORS = ROWS * TOKENS;
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private final int panelRows;
    private final int sliceBlocks;

    PanelGemm(int panelRows, int sliceBlocks) {
        if (panelRows <= 0 || panelRows % ROWS != 0) {
            throw new IllegalArgumentException(
                    "panelRows must be a positive multiple of " + ROWS + ", was " + panelRows);
        }
        if (sliceBlocks <= 0 || sliceBlocks % 2 != 0) {
            throw new IllegalArgumentException("sliceBlocks must be positive and even, was " + sliceBlocks);
        }
        this.panelRows = panelRows;
        this.sliceBlocks = sliceBlocks;
    }

    @Override
    public String toString() {
        return "PanelGemm[" + panelRows + " rows × " + sliceBlocks + " blocks]";
    }

    static final PanelGemm DEFAULT = new PanelGemm(DEFAULT_PANEL_ROWS, DEFAULT_SLICE_BLOCKS);

    /** Whether this machine's float vectors have the 16 lanes the micro-kernel is written for (and it is enabled). */
    static boolean supported() {
        return ENABLED && FLOAT_LANES == 16;
    }

    /**
     * {@code out[t·rows + r] = rowDot(r, inputs, t·cols)} for tokens {@code [0, batchSize)} and rows {@code [rowStart,
     * rowEnd)} of {@code matrix}, whose {@link BlockWeightMatrix#decodeScaledPanelRow} must hold; arguments checked by
     * the caller. Rows left over after the last whole micro-kernel (fewer than four) go through the row kernels.
     */
    void multiply(BlockWeightMatrix matrix, float[] inputs, int batchSize, float[] out, int rowStart, int rowEnd) {
        int cols = matrix.cols;
        int rows = matrix.rows;
        int blocksPerRow = cols / BLOCK_VALUES;
        boolean scaled = matrix.decodesScaledPanels();
        int tokenGroups = (batchSize + TOKENS - 1) / TOKENS;
        Scratch scratch = SCRATCH.get();
        scratch.ensure(panelRows, sliceBlocks, tokenGroups);
        float[] tile = scratch.tile;
        float[] scales = scratch.scales;
        float[] acc = scratch.accumulators;
        int tileStride = sliceBlocks * BLOCK_VALUES;
        int[] tokenOffsets = scratch.tokenOffsets;
        int wholeRows = rowStart + (rowEnd - rowStart) / ROWS * ROWS;
        for (int panel = rowStart; panel < wholeRows; panel += panelRows) {
            int panelEnd = Math.min(wholeRows, panel + panelRows);
            int groups = (panelEnd - panel) / ROWS;
            for (int sliceStart = 0; sliceStart < blocksPerRow; sliceStart += sliceBlocks) {
                int sliceEnd = Math.min(blocksPerRow, sliceStart + sliceBlocks);
                for (int row = panel; row < panelEnd; row++) {
                    int r = row - panel;
                    if (scaled) {
                        matrix.decodeScaledPanelRow(row, sliceStart, sliceEnd, tile, r * tileStride, scales,
                                r * sliceBlocks);
                    } else {
                        matrix.decodeAffinePanelRow(row, sliceStart, sliceEnd, tile, r * tileStride);
                    }
                }
                int evenPairs = (sliceEnd - sliceStart + 1) / 2;
                int oddPairs = (sliceEnd - sliceStart) / 2;
                for (int group = 0; group < tokenGroups; group++) {
                    for (int t = 0; t < TOKENS; t++) {
                        // a group past the batch repeats its last token; those results are never read
                        tokenOffsets[t] = Math.min(group * TOKENS + t, batchSize - 1) * cols;
                    }
                    for (int rowGroup = 0; rowGroup < groups; rowGroup++) {
                        int tileAt = rowGroup * ROWS * tileStride;
                        int scaleAt = rowGroup * ROWS * sliceBlocks;
                        int accAt = ((rowGroup * tokenGroups + group) * 2) * ACCUMULATORS * FLOAT_LANES;
                        int oddAccAt = accAt + ACCUMULATORS * FLOAT_LANES;
                        // absolute block parity decides the chain, as in rowDot: slices start at even blocks
                        if (scaled) {
                            microKernel(tile, tileAt, tileStride, scales, scaleAt, sliceBlocks, inputs, tokenOffsets,
                                    sliceStart * BLOCK_VALUES, evenPairs, acc, accAt, sliceStart == 0);
                            microKernel(tile, tileAt + BLOCK_VALUES, tileStride, scales, scaleAt + 1, sliceBlocks,
                                    inputs, tokenOffsets, (sliceStart + 1) * BLOCK_VALUES, oddPairs, acc, oddAccAt,
                                    sliceStart == 0);
                        } else {
                            affineKernel(tile, tileAt, tileStride, inputs, tokenOffsets, sliceStart * BLOCK_VALUES,
                                    evenPairs, acc, accAt, sliceStart == 0);
                            affineKernel(tile, tileAt + BLOCK_VALUES, tileStride, inputs, tokenOffsets,
                                    (sliceStart + 1) * BLOCK_VALUES, oddPairs, acc, oddAccAt, sliceStart == 0);
                        }
                    }
                }
            }
            finish(acc, groups, tokenGroups, batchSize, out, rows, panel, scratch.lanes, scratch.sums);
        }
        if (wholeRows < rowEnd) {
            matrix.matMulRows(inputs, batchSize, out, wholeRows, rowEnd);
        }
    }

    /**
     * Adds each (row, token)'s two chains and sums the lanes left to right, as rowDot ends. The twelve sums of a
     * micro-tile advance together, lane by lane: each is still one left-to-right chain, but twelve independent chains
     * keep the adder busy where one would wait on each add's latency (a 2048-wide row's dot product is only about a
     * hundred cycles of FMAs, so sixteen dependent adds per result would cost a large share of it).
     */
    private static void finish(float[] acc, int groups, int tokenGroups, int batchSize, float[] out, int rows,
                               int panel, float[] lanes, float[] sums) {
        for (int rowGroup = 0; rowGroup < groups; rowGroup++) {
            for (int group = 0; group < tokenGroups; group++) {
                int accAt = ((rowGroup * tokenGroups + group) * 2) * ACCUMULATORS * FLOAT_LANES;
                for (int i = 0; i < ACCUMULATORS; i++) {
                    int at = accAt + i * FLOAT_LANES;
                    FloatVector even = FloatVector.fromArray(FLOAT, acc, at);
                    FloatVector odd = FloatVector.fromArray(FLOAT, acc, at + ACCUMULATORS * FLOAT_LANES);
                    even.add(odd).intoArray(lanes, i * FLOAT_LANES);
                    sums[i] = 0;
                }
                for (int lane = 0; lane < FLOAT_LANES; lane++) {
                    for (int i = 0; i < ACCUMULATORS; i++) {
                        sums[i] += lanes[i * FLOAT_LANES + lane];
                    }
                }
                int tokens = Math.min(TOKENS, batchSize - group * TOKENS);
                for (int r = 0; r < ROWS; r++) {
                    int row = panel + rowGroup * ROWS + r;
                    for (int t = 0; t < tokens; t++) {
                        out[(group * TOKENS + t) * rows + row] = sums[r * TOKENS + t];
                    }
                }
            }
        }
    }

    /**
     * Four rows × three tokens over {@code pairs} blocks of one parity (every other block from the first): for each,
     * {@code s = w[0..16)·x[0..16)}, {@code s = fma(w[16..32), x[16..32), s)}, {@code acc = fma(s, d, acc)}. Tile rows
     * are {@code tileStride} apart, a row's scales {@code scaleStride}; the twelve accumulators start at zero when
     * {@code fresh} (the first slice: no separate zero-fill pass over the accumulators, which cost as much as a sixth
     * of the product) and are otherwise loaded from {@code acc[accAt ..]}; they are stored back there, row-major by
     * (row, token). Written out in full on purpose (see the class
     * comment). The shape was chosen by measurement (MicroKernelRateMain in the benchmarks module, one core, in L1):
     * 4×3 ran about 100 GFLOP/s, 3×4 95, 2×4 88, 3×3 81, 4×4 72 (C2 spills four of its sixteen accumulators and the
     * block sums), 4×2 75, 2×2 60.
     */
    private static void microKernel(float[] w, int tileAt, int tileStride, float[] scales, int scaleAt,
                                    int scaleStride, float[] x, int[] tokenOffsets, int xColumn, int pairs,
                                    float[] acc, int accAt, boolean fresh) {
        if (pairs <= 0) {
            if (fresh) {
                java.util.Arrays.fill(acc, accAt, accAt + ACCUMULATORS * FLOAT_LANES, 0f);
            }
            return;
        }
        final int L = FLOAT_LANES;
        FloatVector zero = FloatVector.zero(FLOAT);
        FloatVector a00 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 0 * L);
        FloatVector a01 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 1 * L);
        FloatVector a02 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 2 * L);
        FloatVector a10 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 3 * L);
        FloatVector a11 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 4 * L);
        FloatVector a12 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 5 * L);
        FloatVector a20 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 6 * L);
        FloatVector a21 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 7 * L);
        FloatVector a22 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 8 * L);
        FloatVector a30 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 9 * L);
        FloatVector a31 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 10 * L);
        FloatVector a32 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 11 * L);
        int t0 = tokenOffsets[0] + xColumn;
        int t1 = tokenOffsets[1] + xColumn;
        int t2 = tokenOffsets[2] + xColumn;
        int w0 = tileAt + 0 * tileStride;
        int s0 = scaleAt + 0 * scaleStride;
        int w1 = tileAt + 1 * tileStride;
        int s1 = scaleAt + 1 * scaleStride;
        int w2 = tileAt + 2 * tileStride;
        int s2 = scaleAt + 2 * scaleStride;
        int w3 = tileAt + 3 * tileStride;
        int s3 = scaleAt + 3 * scaleStride;
        for (int pair = 0; pair < pairs; pair++) {
            int c = pair * 2 * BLOCK_VALUES;
            int s = pair * 2;
            FloatVector x0l = FloatVector.fromArray(FLOAT, x, t0 + c);
            FloatVector x0h = FloatVector.fromArray(FLOAT, x, t0 + c + L);
            FloatVector x1l = FloatVector.fromArray(FLOAT, x, t1 + c);
            FloatVector x1h = FloatVector.fromArray(FLOAT, x, t1 + c + L);
            FloatVector x2l = FloatVector.fromArray(FLOAT, x, t2 + c);
            FloatVector x2h = FloatVector.fromArray(FLOAT, x, t2 + c + L);
            // row 0
            FloatVector wl = FloatVector.fromArray(FLOAT, w, w0 + c);
            FloatVector wh = FloatVector.fromArray(FLOAT, w, w0 + c + L);
            FloatVector d = FloatVector.broadcast(FLOAT, scales[s0 + s]);
            a00 = wh.fma(x0h, wl.mul(x0l)).fma(d, a00);
            a01 = wh.fma(x1h, wl.mul(x1l)).fma(d, a01);
            a02 = wh.fma(x2h, wl.mul(x2l)).fma(d, a02);
            // row 1
            wl = FloatVector.fromArray(FLOAT, w, w1 + c);
            wh = FloatVector.fromArray(FLOAT, w, w1 + c + L);
            d = FloatVector.broadcast(FLOAT, scales[s1 + s]);
            a10 = wh.fma(x0h, wl.mul(x0l)).fma(d, a10);
            a11 = wh.fma(x1h, wl.mul(x1l)).fma(d, a11);
            a12 = wh.fma(x2h, wl.mul(x2l)).fma(d, a12);
            // row 2
            wl = FloatVector.fromArray(FLOAT, w, w2 + c);
            wh = FloatVector.fromArray(FLOAT, w, w2 + c + L);
            d = FloatVector.broadcast(FLOAT, scales[s2 + s]);
            a20 = wh.fma(x0h, wl.mul(x0l)).fma(d, a20);
            a21 = wh.fma(x1h, wl.mul(x1l)).fma(d, a21);
            a22 = wh.fma(x2h, wl.mul(x2l)).fma(d, a22);
            // row 3
            wl = FloatVector.fromArray(FLOAT, w, w3 + c);
            wh = FloatVector.fromArray(FLOAT, w, w3 + c + L);
            d = FloatVector.broadcast(FLOAT, scales[s3 + s]);
            a30 = wh.fma(x0h, wl.mul(x0l)).fma(d, a30);
            a31 = wh.fma(x1h, wl.mul(x1l)).fma(d, a31);
            a32 = wh.fma(x2h, wl.mul(x2l)).fma(d, a32);
        }
        a00.intoArray(acc, accAt + 0 * L);
        a01.intoArray(acc, accAt + 1 * L);
        a02.intoArray(acc, accAt + 2 * L);
        a10.intoArray(acc, accAt + 3 * L);
        a11.intoArray(acc, accAt + 4 * L);
        a12.intoArray(acc, accAt + 5 * L);
        a20.intoArray(acc, accAt + 6 * L);
        a21.intoArray(acc, accAt + 7 * L);
        a22.intoArray(acc, accAt + 8 * L);
        a30.intoArray(acc, accAt + 9 * L);
        a31.intoArray(acc, accAt + 10 * L);
        a32.intoArray(acc, accAt + 11 * L);
    }


    /**
     * {@link #microKernel} for formats whose row kernel forms each weight before it meets x (Q4_K: {@code w =
     * fma(q, scale, offset)}) and accumulates {@code acc = fma(w, x, acc)} 16 values at a time, in column order, into
     * one chain per parity of the 32-value sub-block: the tile holds those exact weights, and each chain gets its
     * FMAs in its order. Two FMAs per 32 values and (row, token), against three for the scaled formats.
     */
    private static void affineKernel(float[] w, int tileAt, int tileStride, float[] x, int[] tokenOffsets,
                                     int xColumn, int subBlocks, float[] acc, int accAt, boolean fresh) {
        if (subBlocks <= 0) {
            if (fresh) {
                java.util.Arrays.fill(acc, accAt, accAt + ACCUMULATORS * FLOAT_LANES, 0f);
            }
            return;
        }
        final int L = FLOAT_LANES;
        FloatVector zero = FloatVector.zero(FLOAT);
        FloatVector a00 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 0 * L);
        FloatVector a01 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 1 * L);
        FloatVector a02 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 2 * L);
        FloatVector a10 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 3 * L);
        FloatVector a11 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 4 * L);
        FloatVector a12 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 5 * L);
        FloatVector a20 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 6 * L);
        FloatVector a21 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 7 * L);
        FloatVector a22 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 8 * L);
        FloatVector a30 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 9 * L);
        FloatVector a31 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 10 * L);
        FloatVector a32 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 11 * L);
        int t0 = tokenOffsets[0] + xColumn;
        int t1 = tokenOffsets[1] + xColumn;
        int t2 = tokenOffsets[2] + xColumn;
        int w0 = tileAt + 0 * tileStride;
        int w1 = tileAt + 1 * tileStride;
        int w2 = tileAt + 2 * tileStride;
        int w3 = tileAt + 3 * tileStride;
        for (int subBlock = 0; subBlock < subBlocks; subBlock++) {
            int c = subBlock * 2 * BLOCK_VALUES;
            FloatVector x0l = FloatVector.fromArray(FLOAT, x, t0 + c);
            FloatVector x0h = FloatVector.fromArray(FLOAT, x, t0 + c + L);
            FloatVector x1l = FloatVector.fromArray(FLOAT, x, t1 + c);
            FloatVector x1h = FloatVector.fromArray(FLOAT, x, t1 + c + L);
            FloatVector x2l = FloatVector.fromArray(FLOAT, x, t2 + c);
            FloatVector x2h = FloatVector.fromArray(FLOAT, x, t2 + c + L);
            FloatVector wl = FloatVector.fromArray(FLOAT, w, w0 + c);
            FloatVector wh = FloatVector.fromArray(FLOAT, w, w0 + c + L);
            a00 = wh.fma(x0h, wl.fma(x0l, a00));
            a01 = wh.fma(x1h, wl.fma(x1l, a01));
            a02 = wh.fma(x2h, wl.fma(x2l, a02));
            wl = FloatVector.fromArray(FLOAT, w, w1 + c);
            wh = FloatVector.fromArray(FLOAT, w, w1 + c + L);
            a10 = wh.fma(x0h, wl.fma(x0l, a10));
            a11 = wh.fma(x1h, wl.fma(x1l, a11));
            a12 = wh.fma(x2h, wl.fma(x2l, a12));
            wl = FloatVector.fromArray(FLOAT, w, w2 + c);
            wh = FloatVector.fromArray(FLOAT, w, w2 + c + L);
            a20 = wh.fma(x0h, wl.fma(x0l, a20));
            a21 = wh.fma(x1h, wl.fma(x1l, a21));
            a22 = wh.fma(x2h, wl.fma(x2l, a22));
            wl = FloatVector.fromArray(FLOAT, w, w3 + c);
            wh = FloatVector.fromArray(FLOAT, w, w3 + c + L);
            a30 = wh.fma(x0h, wl.fma(x0l, a30));
            a31 = wh.fma(x1h, wl.fma(x1l, a31));
            a32 = wh.fma(x2h, wl.fma(x2l, a32));
        }
        a00.intoArray(acc, accAt + 0 * L);
        a01.intoArray(acc, accAt + 1 * L);
        a02.intoArray(acc, accAt + 2 * L);
        a10.intoArray(acc, accAt + 3 * L);
        a11.intoArray(acc, accAt + 4 * L);
        a12.intoArray(acc, accAt + 5 * L);
        a20.intoArray(acc, accAt + 6 * L);
        a21.intoArray(acc, accAt + 7 * L);
        a22.intoArray(acc, accAt + 8 * L);
        a30.intoArray(acc, accAt + 9 * L);
        a31.intoArray(acc, accAt + 10 * L);
        a32.intoArray(acc, accAt + 11 * L);
    }


    /** One thread's buffers, grown on demand and kept: nothing is allocated per product once they fit. */
    private static final class Scratch {
        float[] tile = new float[0];
        float[] scales = new float[0];
        float[] accumulators = new float[0];
        final int[] tokenOffsets = new int[TOKENS];
        final float[] lanes = new float[ACCUMULATORS * FLOAT_LANES];
        final float[] sums = new float[ACCUMULATORS];

        void ensure(int panelRows, int sliceBlocks, int tokenGroups) {
            int tileSize = panelRows * sliceBlocks * BLOCK_VALUES;
            if (tile.length < tileSize) {
                tile = new float[tileSize];
                scales = new float[panelRows * sliceBlocks];
            }
            int accSize = panelRows / ROWS * tokenGroups * 2 * ACCUMULATORS * FLOAT_LANES;
            if (accumulators.length < accSize) {
                accumulators = new float[accSize];
            }
        }
    }
}
