package dev.hearth.local.internal.tensor;

import static dev.hearth.local.internal.tensor.KernelSpecies.FLOAT;
import static dev.hearth.local.internal.tensor.KernelSpecies.FLOAT_LANES;

import java.util.Objects;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;

/**
 * Vector kernels over plain {@code float[]} ranges, for attention and RMSNorm. Out-of-range offsets or lengths
 * throw {@link IndexOutOfBoundsException} (checked once per call, not per lane). The range lengths here are head
 * dimensions and sequence lengths, so a scalar tail handles lengths that are not a multiple of the lane count.
 */
public final class FloatOps {
    private FloatOps() {}

    /** {@code Σ_{i<n} a[aOff+i]·b[bOff+i]}. */
    public static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        checkRange(a, aOff, n);
        checkRange(b, bOff, n);
        // Two accumulators: enough to hide FMA latency at the short lengths (head dims of 64–128) this sees.
        FloatVector sum0 = FloatVector.zero(FLOAT);
        FloatVector sum1 = FloatVector.zero(FLOAT);
        int i = 0;
        int pairBound = n - n % (2 * FLOAT_LANES);
        for (; i < pairBound; i += 2 * FLOAT_LANES) {
            sum0 = FloatVector.fromArray(FLOAT, a, aOff + i).fma(FloatVector.fromArray(FLOAT, b, bOff + i), sum0);
            sum1 = FloatVector.fromArray(FLOAT, a, aOff + i + FLOAT_LANES)
                    .fma(FloatVector.fromArray(FLOAT, b, bOff + i + FLOAT_LANES), sum1);
        }
        int vectorBound = FLOAT.loopBound(n);
        for (; i < vectorBound; i += FLOAT_LANES) {
            sum0 = FloatVector.fromArray(FLOAT, a, aOff + i).fma(FloatVector.fromArray(FLOAT, b, bOff + i), sum0);
        }
        // lanes left to right, written out here: a helper taking the vector could stay out of line (KernelSpecies)
        FloatVector laneSums = sum0.add(sum1);
        float inOrder = 0;
        for (int lane = 0; lane < KernelSpecies.FLOAT_LANES; lane++) {
            inOrder += laneSums.lane(lane);
        }
        float sum = inOrder;
        for (; i < n; i++) {
            sum += a[aOff + i] * b[bOff + i];
        }
        return sum;
    }

    /** {@code y[yOff+i] += alpha·x[xOff+i]} for {@code i < n}. */
    public static void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        checkRange(x, xOff, n);
        checkRange(y, yOff, n);
        FloatVector alphaLanes = FloatVector.broadcast(FLOAT, alpha);
        int i = 0;
        int vectorBound = FLOAT.loopBound(n);
        for (; i < vectorBound; i += FLOAT_LANES) {
            FloatVector.fromArray(FLOAT, x, xOff + i)
                    .fma(alphaLanes, FloatVector.fromArray(FLOAT, y, yOff + i))
                    .intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] = Math.fma(alpha, x[xOff + i], y[yOff + i]);
        }
    }

    /**
     * {@code out[outBase+t] = Σ_{i<n} x[xOff+i]·rows[t·stride + rowOff + i]} for every {@code t} in
     * {@code [first, last]}: one
     * vector against many rows of a strided table — an attention head's query against the cached keys. Four rows go
     * per pass, so each load of {@code x} serves four products and four independent FMA chains hide the latency, and
     * their four horizontal sums share one shuffle tree. Each row's arithmetic is the same whichever group of four it
     * falls in (the tree never mixes rows), so each result depends only on the inputs, not on {@code first}.
     */
    public static void dotRows(float[] x, int xOff, float[] rows, int stride, int rowOff, int n, int first, int last,
                               float[] out, int outBase) {
        checkRange(x, xOff, n);
        checkRows(rows, stride, rowOff, n, first, last);
        Objects.checkFromToIndex(outBase + first, outBase + last + 1, out.length);
        int vectorBound = FLOAT.loopBound(n);
        int t = first;
        if (vectorBound > 0) {
            for (; t + 3 <= last; t += 4) {
                int base0 = t * stride + rowOff;
                int base1 = base0 + stride;
                int base2 = base1 + stride;
                int base3 = base2 + stride;
                FloatVector sum0 = FloatVector.zero(FLOAT);
                FloatVector sum1 = FloatVector.zero(FLOAT);
                FloatVector sum2 = FloatVector.zero(FLOAT);
                FloatVector sum3 = FloatVector.zero(FLOAT);
                for (int i = 0; i < vectorBound; i += FLOAT_LANES) {
                    FloatVector lanes = FloatVector.fromArray(FLOAT, x, xOff + i);
                    sum0 = lanes.fma(FloatVector.fromArray(FLOAT, rows, base0 + i), sum0);
                    sum1 = lanes.fma(FloatVector.fromArray(FLOAT, rows, base1 + i), sum1);
                    sum2 = lanes.fma(FloatVector.fromArray(FLOAT, rows, base2 + i), sum2);
                    sum3 = lanes.fma(FloatVector.fromArray(FLOAT, rows, base3 + i), sum3);
                }
                storeLaneSums(sum0, sum1, sum2, sum3, out, outBase + t, 4);
            }
            if (t <= last) {
                // the last one to three rows: the same per-row arithmetic, with zero vectors in the unused slots
                FloatVector sum0 = FloatVector.zero(FLOAT);
                FloatVector sum1 = FloatVector.zero(FLOAT);
                FloatVector sum2 = FloatVector.zero(FLOAT);
                int count = last - t + 1;
                int base0 = t * stride + rowOff;
                for (int i = 0; i < vectorBound; i += FLOAT_LANES) {
                    FloatVector lanes = FloatVector.fromArray(FLOAT, x, xOff + i);
                    sum0 = lanes.fma(FloatVector.fromArray(FLOAT, rows, base0 + i), sum0);
                    if (count > 1) {
                        sum1 = lanes.fma(FloatVector.fromArray(FLOAT, rows, base0 + stride + i), sum1);
                    }
                    if (count > 2) {
                        sum2 = lanes.fma(FloatVector.fromArray(FLOAT, rows, base0 + 2 * stride + i), sum2);
                    }
                }
                storeLaneSums(sum0, sum1, sum2, FloatVector.zero(FLOAT), out, outBase + t, count);
            }
        } else {
            for (int row = first; row <= last; row++) {
                out[outBase + row] = 0f;
            }
        }
        if (vectorBound < n) {
            for (int row = first; row <= last; row++) {
                int base = row * stride + rowOff;
                float sum = out[outBase + row];
                for (int i = vectorBound; i < n; i++) {
                    sum += x[xOff + i] * rows[base + i];
                }
                out[outBase + row] = sum;
            }
        }
    }

    // Masks and shuffles of the reduction tree, one static final field each so C2 sees constants. FLOAT_LANES is
    // 4, 8 or 16 (KernelSpecies clamps the shape to 128..512 bits).
    /** Lanes in the upper half of each block of {@code 2·FLOAT_LANES/2}, and the swap of neighbouring halves. */
    private static final VectorMask<Float> UPPER_HALF = upperOfBlocks(FLOAT_LANES / 2);
    private static final VectorShuffle<Float> SWAP_HALVES = swapBlocks(FLOAT_LANES / 2);
    /** The same for quarters. */
    private static final VectorMask<Float> UPPER_QUARTERS = upperOfBlocks(FLOAT_LANES / 4);
    private static final VectorShuffle<Float> SWAP_QUARTERS = swapBlocks(FLOAT_LANES / 4);
    /** Swaps of neighbouring lane pairs and neighbouring lanes: the in-quarter steps for 16 and 8 lanes. */
    private static final VectorShuffle<Float> SWAP_PAIRS = swapBlocks(2);
    private static final VectorShuffle<Float> SWAP_NEIGHBOURS = swapBlocks(1);

    /**
     * Writes the lane sums of {@code sum0..sum3} to {@code out[at], out[at+1], ...} (the first {@code count}). A
     * fixed pairwise tree: halves of each vector are added while two vectors share one register (sum0 with sum1,
     * sum2 with sum3), then quarters with all four sharing one, then the lanes within each quarter. The tree has the
     * same shape in the interpreter and in compiled code, unlike {@code reduceLanes}, whose order is unspecified.
     */
    private static void storeLaneSums(FloatVector sum0, FloatVector sum1, FloatVector sum2, FloatVector sum3,
                                      float[] out, int at, int count) {
        FloatVector pairs01 = foldBlocks(sum0, sum1, UPPER_HALF, SWAP_HALVES);
        FloatVector pairs23 = foldBlocks(sum2, sum3, UPPER_HALF, SWAP_HALVES);
        // lanes [0, L/4): sum0, [L/4, L/2): sum2, [L/2, 3L/4): sum1, [3L/4, L): sum3
        FloatVector quads = foldBlocks(pairs01, pairs23, UPPER_QUARTERS, SWAP_QUARTERS);
        if (FLOAT_LANES >= 16) {
            quads = quads.add(quads.rearrange(SWAP_PAIRS));
        }
        if (FLOAT_LANES >= 8) {
            quads = quads.add(quads.rearrange(SWAP_NEIGHBOURS));
        }
        int quarter = FLOAT_LANES / 4;
        out[at] = quads.lane(0);
        if (count > 1) {
            out[at + 1] = quads.lane(2 * quarter);
        }
        if (count > 2) {
            out[at + 2] = quads.lane(quarter);
        }
        if (count > 3) {
            out[at + 3] = quads.lane(3 * quarter);
        }
    }

    /**
     * Adds neighbouring blocks of {@code low} and of {@code high} at once: the result's lower blocks (mask clear)
     * hold {@code low}'s block sums, its upper blocks {@code high}'s.
     */
    private static FloatVector foldBlocks(FloatVector low, FloatVector high, VectorMask<Float> upper,
                                          VectorShuffle<Float> swap) {
        FloatVector kept = low.blend(high, upper);
        FloatVector crossed = high.blend(low, upper).rearrange(swap);
        return kept.add(crossed);
    }

    private static VectorMask<Float> upperOfBlocks(int block) {
        boolean[] bits = new boolean[FLOAT_LANES];
        for (int lane = 0; lane < FLOAT_LANES; lane++) {
            bits[lane] = (lane & block) != 0;
        }
        return VectorMask.fromArray(FLOAT, bits, 0);
    }

    private static VectorShuffle<Float> swapBlocks(int block) {
        return VectorShuffle.fromOp(FLOAT, lane -> lane ^ block);
    }

    /**
     * {@code out[outOff+i] (+)= Σ_{t=first..last} weights[weightBase+t]·rows[t·stride + rowOff + i]} for {@code i < n}:
     * an attention head's weighted sum of cached values. With {@code accumulate} the sum continues from the values
     * already in {@code out}, so a long range can be split into consecutive pieces with exactly the result of one
     * call; otherwise it starts from 0 and overwrites. The output stays in registers (up to four vectors at a time)
     * while the rows stream past, instead of a load and store of it per row; every element is accumulated over
     * {@code t} in order with one FMA per row, exactly as repeated {@link #axpy} calls would.
     */
    public static void weightedRowSum(float[] weights, int weightBase, int first, int last, float[] rows, int stride,
                                      int rowOff, int n, float[] out, int outOff, boolean accumulate) {
        Objects.checkFromToIndex(weightBase + first, weightBase + last + 1, weights.length);
        checkRows(rows, stride, rowOff, n, first, last);
        checkRange(out, outOff, n);
        int vectorBound = FLOAT.loopBound(n);
        int i = 0;
        for (; i + 4 * FLOAT_LANES <= vectorBound; i += 4 * FLOAT_LANES) {
            FloatVector sum0 = startingSum(out, outOff + i, accumulate);
            FloatVector sum1 = startingSum(out, outOff + i + FLOAT_LANES, accumulate);
            FloatVector sum2 = startingSum(out, outOff + i + 2 * FLOAT_LANES, accumulate);
            FloatVector sum3 = startingSum(out, outOff + i + 3 * FLOAT_LANES, accumulate);
            for (int t = first; t <= last; t++) {
                int base = t * stride + rowOff + i;
                FloatVector weight = FloatVector.broadcast(FLOAT, weights[weightBase + t]);
                sum0 = FloatVector.fromArray(FLOAT, rows, base).fma(weight, sum0);
                sum1 = FloatVector.fromArray(FLOAT, rows, base + FLOAT_LANES).fma(weight, sum1);
                sum2 = FloatVector.fromArray(FLOAT, rows, base + 2 * FLOAT_LANES).fma(weight, sum2);
                sum3 = FloatVector.fromArray(FLOAT, rows, base + 3 * FLOAT_LANES).fma(weight, sum3);
            }
            sum0.intoArray(out, outOff + i);
            sum1.intoArray(out, outOff + i + FLOAT_LANES);
            sum2.intoArray(out, outOff + i + 2 * FLOAT_LANES);
            sum3.intoArray(out, outOff + i + 3 * FLOAT_LANES);
        }
        for (; i < vectorBound; i += FLOAT_LANES) {
            FloatVector sum = startingSum(out, outOff + i, accumulate);
            for (int t = first; t <= last; t++) {
                sum = FloatVector.fromArray(FLOAT, rows, t * stride + rowOff + i)
                        .fma(FloatVector.broadcast(FLOAT, weights[weightBase + t]), sum);
            }
            sum.intoArray(out, outOff + i);
        }
        for (; i < n; i++) {
            float sum = accumulate ? out[outOff + i] : 0f;
            for (int t = first; t <= last; t++) {
                sum = Math.fma(weights[weightBase + t], rows[t * stride + rowOff + i], sum);
            }
            out[outOff + i] = sum;
        }
    }

    private static FloatVector startingSum(float[] out, int offset, boolean accumulate) {
        return accumulate ? FloatVector.fromArray(FLOAT, out, offset) : FloatVector.zero(FLOAT);
    }

    /** {@code max_{i<n} x[off+i]}, or −∞ for an empty range; NaN if any element is NaN. */
    public static float max(float[] x, int off, int n) {
        checkRange(x, off, n);
        float max = Float.NEGATIVE_INFINITY;
        int i = 0;
        int vectorBound = FLOAT.loopBound(n);
        if (vectorBound > 0) {
            FloatVector lanes = FloatVector.broadcast(FLOAT, Float.NEGATIVE_INFINITY);
            for (; i < vectorBound; i += FLOAT_LANES) {
                // the new load is the receiver, not the loop's running value: C2 knows a load's exact class, so
                // max() binds statically; on the loop variable it is a virtual call that C2 inlines only if the
                // type profile happens to be clean at compile time, and otherwise boxes every vector (measured:
                // ~130 KB per decoded token from softmax in some JVMs). MAX is symmetric, so the bits are the same.
                lanes = FloatVector.fromArray(FLOAT, x, off + i).max(lanes);
            }
            // max is exact and order-free (NaN wins either way), so any reduction order gives the same result
            max = lanes.reduceLanes(VectorOperators.MAX);
        }
        for (; i < n; i++) {
            max = Math.max(max, x[off + i]);
        }
        return max;
    }

    /** {@code x[off+i] *= s} for {@code i < n}. */
    public static void scale(float[] x, int off, int n, float s) {
        checkRange(x, off, n);
        int i = 0;
        int vectorBound = FLOAT.loopBound(n);
        for (; i < vectorBound; i += FLOAT_LANES) {
            FloatVector.fromArray(FLOAT, x, off + i).mul(s).intoArray(x, off + i);
        }
        for (; i < n; i++) {
            x[off + i] *= s;
        }
    }

    /** {@code Σ_{i<n} x[off+i]²} (the RMSNorm denominator). */
    public static float sumOfSquares(float[] x, int off, int n) {
        checkRange(x, off, n);
        FloatVector sum0 = FloatVector.zero(FLOAT);
        FloatVector sum1 = FloatVector.zero(FLOAT);
        int i = 0;
        int pairBound = n - n % (2 * FLOAT_LANES);
        for (; i < pairBound; i += 2 * FLOAT_LANES) {
            FloatVector first = FloatVector.fromArray(FLOAT, x, off + i);
            FloatVector second = FloatVector.fromArray(FLOAT, x, off + i + FLOAT_LANES);
            sum0 = first.fma(first, sum0);
            sum1 = second.fma(second, sum1);
        }
        int vectorBound = FLOAT.loopBound(n);
        for (; i < vectorBound; i += FLOAT_LANES) {
            FloatVector lanes = FloatVector.fromArray(FLOAT, x, off + i);
            sum0 = lanes.fma(lanes, sum0);
        }
        // lanes left to right, written out here: a helper taking the vector could stay out of line (KernelSpecies)
        FloatVector laneSums1 = sum0.add(sum1);
        float inOrder1 = 0;
        for (int lane = 0; lane < KernelSpecies.FLOAT_LANES; lane++) {
            inOrder1 += laneSums1.lane(lane);
        }
        float sum = inOrder1;
        for (; i < n; i++) {
            sum += x[off + i] * x[off + i];
        }
        return sum;
    }

    private static void checkRange(float[] array, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, array.length);
    }

    /** Rows {@code first..last} of {@code n} floats at {@code t·stride + rowOff} lie inside {@code rows}. */
    private static void checkRows(float[] rows, int stride, int rowOff, int n, int first, int last) {
        if (first < 0 || last < first || stride < n || rowOff < 0 || rowOff > stride - n) {
            throw new IndexOutOfBoundsException("rows " + first + ".." + last + " of " + n + " floats at offset "
                    + rowOff + " with stride " + stride);
        }
        Objects.checkFromIndexSize((long) last * stride + rowOff, n, rows.length);
    }
}
