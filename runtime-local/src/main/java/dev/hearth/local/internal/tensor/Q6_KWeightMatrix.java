package dev.hearth.local.internal.tensor;

import static dev.hearth.local.internal.tensor.KernelSpecies.BYTES_32;
import static dev.hearth.local.internal.tensor.KernelSpecies.FLOAT;
import static dev.hearth.local.internal.tensor.KernelSpecies.FLOAT_LANES;

import dev.hearth.local.internal.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q6_K weights: super-blocks of 256 values in 210 bytes: 128 bytes of low nibbles (ql), 64 bytes of 2-bit upper
 * parts (qh), 16 signed 8-bit sub-block scales (one per 16 values), fp16 {@code d}. In half h, group k (0..3) of 32
 * values takes the low (k &lt; 2) or high (k ≥ 2) nibbles of ql[64h + 32·(k mod 2) ..] and bits 2k..2k+1 of
 * qh[32h ..]; value = (d·scale)·(q − 32).
 *
 * <p>Per half, three 256-bit loads give all 128 six-bit quants; the upper bits are moved into place with a byte
 * shift and mask. Each group of 32 spans two sub-blocks, which feed separate accumulators.
 */
final class Q6_KWeightMatrix extends BlockWeightMatrix {
    private static final int SUPER_BLOCK_VALUES = 256;
    private static final int HALF_VALUES = 128;
    private static final int GROUP_VALUES = 32;
    private static final int SUB_BLOCK_VALUES = 16;
    private static final int BLOCK_BYTES = 210;
    private static final int UPPER_BITS_AT = 128;
    private static final int SCALES_AT = 192;
    private static final int D_AT = 208;
    private static final byte BIAS = 32;

    Q6_KWeightMatrix(MemorySegment data, int rows, int cols) {
        super(GgmlType.Q6_K, data, rows, cols);
    }

    @Override
    float rowDot(long rowOffset, float[] x, int xOffset) {
        // One call per super-block, reduced to a float: the whole row in one compiled method exceeds C2's node budget
        // for this format, which stops it inlining the vector steps and makes every vector a heap object.
        float sum = 0;
        for (int block = 0; block < blocksPerRow; block++) {
            sum += blockDot(rowOffset + (long) block * BLOCK_BYTES, x, xOffset + block * SUPER_BLOCK_VALUES);
        }
        return sum;
    }

    private float blockDot(long at, float[] x, int xBlock) {
        FloatVector firstSubBlocks = FloatVector.zero(FLOAT);
        FloatVector secondSubBlocks = FloatVector.zero(FLOAT);
        float d = half(at + D_AT);
        for (int half = 0; half < 2; half++) {
            ByteVector nibblesOfGroups0And2 = load32(at + 64L * half);
            ByteVector nibblesOfGroups1And3 = load32(at + 64L * half + GROUP_VALUES);
            ByteVector upperBits = load32(at + UPPER_BITS_AT + 32L * half);
            for (int group = 0; group < 4; group++) {
                ByteVector quants = quants(nibblesOfGroups0And2, nibblesOfGroups1And3, upperBits, group);
                int subBlock = 8 * half + 2 * group;
                int xIndex = xBlock + half * HALF_VALUES + group * GROUP_VALUES;
                FloatVector firstScale = FloatVector.broadcast(FLOAT, scale(at, d, subBlock));
                FloatVector secondScale = FloatVector.broadcast(FLOAT, scale(at, d, subBlock + 1));
                for (int part = 0; part < QuantLanes.PARTS_PER_16_VALUES; part++) {
                    int xPart = xIndex + part * FLOAT_LANES;
                    firstSubBlocks = scaledPart(quants, part, firstScale, x, xPart, firstSubBlocks);
                    secondSubBlocks = scaledPart(quants, QuantLanes.PARTS_PER_16_VALUES + part,
                            secondScale, x, xPart + SUB_BLOCK_VALUES, secondSubBlocks);
                }
            }
        }
        return KernelSpecies.sumLanesInOrder(firstSubBlocks.add(secondSubBlocks));
    }

    @Override
    void decodeRow(long rowOffset, float[] out, int offset) {
        for (int block = 0; block < blocksPerRow; block++) {
            long at = rowOffset + (long) block * BLOCK_BYTES;
            float d = half(at + D_AT);
            for (int half = 0; half < 2; half++) {
                ByteVector nibblesOfGroups0And2 = load32(at + 64L * half);
                ByteVector nibblesOfGroups1And3 = load32(at + 64L * half + GROUP_VALUES);
                ByteVector upperBits = load32(at + UPPER_BITS_AT + 32L * half);
                for (int group = 0; group < 4; group++) {
                    ByteVector quants = quants(nibblesOfGroups0And2, nibblesOfGroups1And3, upperBits, group);
                    int subBlock = 8 * half + 2 * group;
                    int outIndex = offset + block * SUPER_BLOCK_VALUES + half * HALF_VALUES + group * GROUP_VALUES;
                    QuantLanes.storeScaled(quants, 0, SUB_BLOCK_VALUES, scale(at, d, subBlock), out, outIndex);
                    QuantLanes.storeScaled(quants, SUB_BLOCK_VALUES, SUB_BLOCK_VALUES, scale(at, d, subBlock + 1),
                            out, outIndex + SUB_BLOCK_VALUES);
                }
            }
        }
    }

    /**
     * Group {@code group}'s 32 quants, bias removed (−32..31). ql bytes 0..31 of the half carry groups 0 (low nibble)
     * and 2 (high nibble), bytes 32..63 groups 1 and 3; the group's two upper bits sit at bit 2·group of qh. One code
     * path for every group (shift counts rather than branches) keeps the compiled kernel small enough to inline.
     */
    private static ByteVector quants(ByteVector nibblesOfGroups0And2, ByteVector nibblesOfGroups1And3,
            ByteVector upperBits, int group) {
        ByteVector nibbleBytes = group % 2 == 0 ? nibblesOfGroups0And2 : nibblesOfGroups1And3;
        ByteVector nibbles = nibbleBytes.lanewise(VectorOperators.LSHR, 4 * (group / 2)).and((byte) 0x0F);
        ByteVector upper = upperBits.lanewise(VectorOperators.LSHR, 2 * group).and((byte) 0x03)
                .lanewise(VectorOperators.LSHL, 4);
        return nibbles.or(upper).sub(BIAS);
    }

    private float scale(long at, float d, int subBlock) {
        return d * data.get(ValueLayout.JAVA_BYTE, at + SCALES_AT + subBlock);
    }

    // Private copies of the kernel steps, not shared helpers: see QuantLanes for why.

    private static FloatVector widenPart(ByteVector quants, int part) {
        return (FloatVector) quants.convertShape(VectorOperators.B2F, FLOAT, part);
    }

    /** {@code sum + (q·scale)·x} for float part {@code part} of {@code quants}. */
    private static FloatVector scaledPart(ByteVector quants, int part, FloatVector scale, float[] x, int xIndex,
            FloatVector sum) {
        return widenPart(quants, part).mul(scale).fma(FloatVector.fromArray(FLOAT, x, xIndex), sum);
    }

    private ByteVector load32(long at) {
        return ByteVector.fromMemorySegment(BYTES_32, data, at, LittleEndian.ORDER);
    }
}
