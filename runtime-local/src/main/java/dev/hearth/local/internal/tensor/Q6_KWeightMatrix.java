package dev.hearth.local.internal.tensor;

import static dev.hearth.local.internal.tensor.KernelSpecies.FLOAT;
import static dev.hearth.local.internal.tensor.KernelSpecies.FLOAT_LANES;

import dev.hearth.local.internal.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Q6_K weights: super-blocks of 256 values in 210 bytes: 128 bytes of low nibbles (ql), 64 bytes of 2-bit upper
 * parts (qh), 16 signed 8-bit sub-block scales (one per 16 values), fp16 {@code d}. In half h, group k (0..3) of 32
 * values takes the low (k &lt; 2) or high (k ≥ 2) nibbles of ql[64h + 32·(k mod 2) ..] and bits 2k..2k+1 of
 * qh[32h ..]; value = (d·scale)·(q − 32).
 *
 * <p>The dot kernels walk the eight groups of 32 values, two sub-blocks of 16 each, which share their addresses,
 * shift counts and scale word (that scalar work, not the vector work, dominated a loop over single sub-blocks). Each
 * sub-block's six-bit quants come from one 16-byte load of ql and one of qh, put together with shifts and masks on
 * 64-bit lanes (one instruction each; x86 has no byte shifts), unbiased on the bytes, then widened once to float
 * lanes. {@code Σ (q − 32)·x} costs one FMA per lane, and one more FMA per sub-block applies d·scale. The lanes are
 * summed once per row, not once per block.
 *
 * <p>matVec keeps the default {@link BlockWeightMatrix#rowDotGroup} (four {@link #rowDot} calls): walking four rows
 * side by side, written out, takes this kernel past C2's inlining node budget (its vector steps then stay calls and
 * every vector is boxed: twenty times slower), and two rows side by side measured no faster than one
 * (docs/performance/k-quants.md).
 */
final class Q6_KWeightMatrix extends BlockWeightMatrix {
    private static final int SUPER_BLOCK_VALUES = 256;
    private static final int HALF_VALUES = 128;
    private static final int GROUP_VALUES = 32;
    private static final int SUB_BLOCK_VALUES = 16;
    /** Groups of 32 values (two sub-blocks sharing their ql and qh bytes' positions) per super-block. */
    private static final int GROUPS = SUPER_BLOCK_VALUES / GROUP_VALUES;
    private static final int BLOCK_BYTES = 210;
    private static final int UPPER_BITS_AT = 128;
    private static final int SCALES_AT = 192;
    private static final int D_AT = 208;
    private static final byte BIAS = 32;
    /** Float vectors per sub-block: 1, 2 or 4. */
    private static final int PARTS = QuantLanes.PARTS_PER_16_VALUES;
    /** Sixteen quant bytes as two 64-bit lanes, for shifts. */
    private static final VectorSpecies<Long> LONGS_16_BYTES = LongVector.SPECIES_128;
    private static final long LOW_NIBBLES = 0x0F0F0F0F0F0F0F0FL;
    private static final long UPPER_BITS = 0x3030303030303030L;
    Q6_KWeightMatrix(MemorySegment data, int rows, int cols) {
        super(GgmlType.Q6_K, data, rows, cols);
    }

    @Override
    float rowDot(long rowOffset, float[] x, int xOffset) {
        FloatVector total = FloatVector.zero(FLOAT);
        for (int block = 0; block < blocksPerRow; block++) {
            long at = rowOffset + (long) block * BLOCK_BYTES;
            float d = half(at + D_AT);
            long scales0To7 = data.get(LittleEndian.LONG, at + SCALES_AT);
            long scales8To15 = data.get(LittleEndian.LONG, at + SCALES_AT + 8);
            int xBlock = xOffset + block * SUPER_BLOCK_VALUES;
            for (int group = 0; group < GROUPS; group++) {
                // Group g is group k = g mod 4 of half g / 4: sub-blocks 2g (values 0..15) and 2g + 1 (16..31).
                int half = group >>> 2;
                int k = group & 3;
                long nibblesAt = at + 64L * half + GROUP_VALUES * (k & 1);
                long upperAt = at + UPPER_BITS_AT + 32L * half;
                int nibbleShift = 4 * (k >>> 1);
                int upperShift = 2 * k;
                long scales = half == 0 ? scales0To7 : scales8To15;
                int xIndex = xBlock + group * GROUP_VALUES;
                ByteVector first = quants(nibblesAt, upperAt, nibbleShift, upperShift);
                ByteVector second = quants(nibblesAt + SUB_BLOCK_VALUES, upperAt + SUB_BLOCK_VALUES, nibbleShift,
                        upperShift);
                FloatVector firstSum = widen(first, 0).mul(FloatVector.fromArray(FLOAT, x, xIndex));
                FloatVector secondSum =
                        widen(second, 0).mul(FloatVector.fromArray(FLOAT, x, xIndex + SUB_BLOCK_VALUES));
                for (int part = 1; part < PARTS; part++) {
                    int xPart = xIndex + part * FLOAT_LANES;
                    firstSum = widen(first, part).fma(FloatVector.fromArray(FLOAT, x, xPart), firstSum);
                    secondSum = widen(second, part)
                            .fma(FloatVector.fromArray(FLOAT, x, xPart + SUB_BLOCK_VALUES), secondSum);
                }
                total = firstSum.fma(FloatVector.broadcast(FLOAT, halfScale(scales, d, 2 * k)), total);
                total = secondSum.fma(FloatVector.broadcast(FLOAT, halfScale(scales, d, 2 * k + 1)), total);
            }
        }
        // lanes left to right, written out here: a helper taking the vector could stay out of line (KernelSpecies)
        FloatVector laneSums = total;
        float inOrder = 0;
        for (int lane = 0; lane < KernelSpecies.FLOAT_LANES; lane++) {
            inOrder += laneSums.lane(lane);
        }
        return inOrder;
    }

    /**
     * {@link #rowDot} of one row with two consecutive tokens of a packed batch ({@code cols} floats apart), results
     * at {@code out[outIndex + k·rows]}. The quants are unpacked and widened once for both tokens; each token's
     * accumulator sees exactly {@link #rowDot}'s operations in its order, so the results are bit-identical.
     */
    @Override
    void rowDotTokenPair(long rowOffset, float[] x, int xOffset, float[] out, int outIndex) {
        int x1Offset = xOffset + cols;
        FloatVector totalA = FloatVector.zero(FLOAT);
        FloatVector totalB = totalA;
        for (int block = 0; block < blocksPerRow; block++) {
            long at = rowOffset + (long) block * BLOCK_BYTES;
            float d = half(at + D_AT);
            long scales0To7 = data.get(LittleEndian.LONG, at + SCALES_AT);
            long scales8To15 = data.get(LittleEndian.LONG, at + SCALES_AT + 8);
            int blockColumn = block * SUPER_BLOCK_VALUES;
            for (int group = 0; group < GROUPS; group++) {
                int half = group >>> 2;
                int k = group & 3;
                long nibblesAt = at + 64L * half + GROUP_VALUES * (k & 1);
                long upperAt = at + UPPER_BITS_AT + 32L * half;
                int nibbleShift = 4 * (k >>> 1);
                int upperShift = 2 * k;
                long scales = half == 0 ? scales0To7 : scales8To15;
                int column = blockColumn + group * GROUP_VALUES;
                // The group's two sub-blocks in a loop, not written out as in rowDot: this method holds twice the
                // vector steps per sub-block, and written out it exceeds C2's inlining node budget.
                for (int sixteenth = 0; sixteenth < 2; sixteenth++) {
                    int offset = sixteenth * SUB_BLOCK_VALUES;
                    ByteVector quants = quants(nibblesAt + offset, upperAt + offset, nibbleShift, upperShift);
                    int subColumn = column + offset;
                    FloatVector weights = widen(quants, 0);
                    FloatVector sumA = weights.mul(FloatVector.fromArray(FLOAT, x, xOffset + subColumn));
                    FloatVector sumB = weights.mul(FloatVector.fromArray(FLOAT, x, x1Offset + subColumn));
                    for (int part = 1; part < PARTS; part++) {
                        int partColumn = subColumn + part * FLOAT_LANES;
                        weights = widen(quants, part);
                        sumA = weights.fma(FloatVector.fromArray(FLOAT, x, xOffset + partColumn), sumA);
                        sumB = weights.fma(FloatVector.fromArray(FLOAT, x, x1Offset + partColumn), sumB);
                    }
                    FloatVector scale = FloatVector.broadcast(FLOAT, halfScale(scales, d, 2 * k + sixteenth));
                    totalA = sumA.fma(scale, totalA);
                    totalB = sumB.fma(scale, totalB);
                }
            }
        }
        // lanes left to right, written out here: a helper taking the vector could stay out of line (KernelSpecies)
        FloatVector laneSums1 = totalA;
        float inOrder1 = 0;
        for (int lane = 0; lane < KernelSpecies.FLOAT_LANES; lane++) {
            inOrder1 += laneSums1.lane(lane);
        }
        out[outIndex] = inOrder1;
        // lanes left to right, written out here: a helper taking the vector could stay out of line (KernelSpecies)
        FloatVector laneSums2 = totalB;
        float inOrder2 = 0;
        for (int lane = 0; lane < KernelSpecies.FLOAT_LANES; lane++) {
            inOrder2 += laneSums2.lane(lane);
        }
        out[outIndex + rows] = inOrder2;
    }

    /**
     * Scalar, like Q8_0's: this runs once per token (the embedding lookup), so C2 compiles it only after thousands of
     * tokens, and until then Vector API code allocates every vector it makes (a Q6_K embedding row cost ~40 KB per
     * decoded token, measured). Same values as the vector kernels: (d·scale)·q.
     */
    @Override
    void decodeRow(long rowOffset, float[] out, int offset) {
        for (int block = 0; block < blocksPerRow; block++) {
            long at = rowOffset + (long) block * BLOCK_BYTES;
            float d = half(at + D_AT);
            int blockStart = offset + block * SUPER_BLOCK_VALUES;
            for (int i = 0; i < SUPER_BLOCK_VALUES; i++) {
                int half = i / HALF_VALUES;
                int group = i % HALF_VALUES / GROUP_VALUES;
                int l = i % GROUP_VALUES;
                long nibbleAt = at + 64L * half + GROUP_VALUES * (group % 2) + l;
                int nibbleByte = data.get(ValueLayout.JAVA_BYTE, nibbleAt) & 0xFF;
                int nibble = group < 2 ? nibbleByte & 0x0F : nibbleByte >>> 4;
                int upperByte = data.get(ValueLayout.JAVA_BYTE, at + UPPER_BITS_AT + 32L * half + l) & 0xFF;
                int quant = (nibble | (upperByte >>> 2 * group & 0x03) << 4) - 32;
                out[blockStart + i] = scale(at, d, i / SUB_BLOCK_VALUES) * quant;
            }
        }
    }

    /**
     * 16 quants of a group, bias removed (−32..31): the nibbles at {@code nibblesAt} shifted down by
     * {@code nibbleShift} (0: low, 4: high) and masked, with bits {@code upperShift}, {@code upperShift + 1} of the
     * bytes at {@code upperAt} moved to bits 4, 5 (shifted down, then up by 4, then masked: bits that cross into a
     * neighbouring byte of the 64-bit lane are masked away). Both loads are little-endian, so byte i of the result is
     * byte i in memory on every platform.
     */
    private ByteVector quants(long nibblesAt, long upperAt, int nibbleShift, int upperShift) {
        LongVector nibbles = LongVector.fromMemorySegment(LONGS_16_BYTES, data, nibblesAt, LittleEndian.ORDER)
                .lanewise(VectorOperators.LSHR, nibbleShift).and(LOW_NIBBLES);
        LongVector upper = LongVector.fromMemorySegment(LONGS_16_BYTES, data, upperAt, LittleEndian.ORDER)
                .lanewise(VectorOperators.LSHR, upperShift).lanewise(VectorOperators.LSHL, 4).and(UPPER_BITS);
        return nibbles.or(upper).reinterpretAsBytes().sub(BIAS);
    }

    /** d·scale of sub-block {@code subBlock}. */
    private float scale(long at, float d, int subBlock) {
        return d * data.get(ValueLayout.JAVA_BYTE, at + SCALES_AT + subBlock);
    }

    /**
     * d·scale of sub-block {@code subBlock} of a half, the same float operation as {@link #scale(long, float, int)},
     * from the half's eight scale bytes read as one little-endian long: one segment read per eight scales.
     */
    private static float halfScale(long scales, float d, int subBlock) {
        return d * (byte) (scales >>> 8 * subBlock);
    }

    // Private copies of the kernel steps, not shared helpers: see QuantLanes for why.

    private static FloatVector widen(ByteVector quants, int part) {
        return (FloatVector) quants.convertShape(VectorOperators.B2F, FLOAT, part);
    }
}
