package dev.hearth.local.internal.tensor;

import static dev.hearth.local.internal.tensor.KernelSpecies.BYTES_32;
import static dev.hearth.local.internal.tensor.KernelSpecies.FLOAT;
import static dev.hearth.local.internal.tensor.KernelSpecies.FLOAT_LANES;

import dev.hearth.local.internal.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q2_K weights: super-blocks of 256 values in 84 bytes: 16 scale bytes (one per 16 values: 4-bit scale low, 4-bit
 * min high), 64 bytes of 2-bit quants, fp16 {@code d} and {@code dmin}. In half h, group j (0..3) of 32 values is
 * bits 2j..2j+1 of quant bytes 32h..32h+31; value = (d·scale)·q − dmin·min.
 *
 * <p>Each half's quant bytes are loaded once and every group is a shift and a mask away. Each group spans two
 * 16-value sub-blocks, which feed separate accumulators.
 */
final class Q2_KWeightMatrix extends BlockWeightMatrix {
    private static final int SUPER_BLOCK_VALUES = 256;
    private static final int HALF_VALUES = 128;
    private static final int GROUP_VALUES = 32;
    private static final int SUB_BLOCK_VALUES = 16;
    private static final int BLOCK_BYTES = 84;
    private static final int QUANTS_AT = 16;
    private static final int D_AT = 80;
    private static final int D_MIN_AT = 82;

    Q2_KWeightMatrix(MemorySegment data, int rows, int cols) {
        super(GgmlType.Q2_K, data, rows, cols);
    }

    @Override
    float rowDot(long rowOffset, float[] x, int xOffset) {
        FloatVector firstSubBlocks = FloatVector.zero(FLOAT);
        FloatVector secondSubBlocks = FloatVector.zero(FLOAT);
        for (int block = 0; block < blocksPerRow; block++) {
            long at = rowOffset + (long) block * BLOCK_BYTES;
            float d = half(at + D_AT);
            float dMin = half(at + D_MIN_AT);
            for (int half = 0; half < 2; half++) {
                ByteVector packed = load32(at + QUANTS_AT + 32L * half);
                for (int group = 0; group < 4; group++) {
                    ByteVector quants = quants(packed, group);
                    int subBlock = 8 * half + 2 * group;
                    int first = unsignedByte(at + subBlock);
                    int second = unsignedByte(at + subBlock + 1);
                    FloatVector firstScale = FloatVector.broadcast(FLOAT, scale(d, first));
                    FloatVector firstOffset = FloatVector.broadcast(FLOAT, minOffset(dMin, first));
                    FloatVector secondScale = FloatVector.broadcast(FLOAT, scale(d, second));
                    FloatVector secondOffset = FloatVector.broadcast(FLOAT, minOffset(dMin, second));
                    int xIndex = xOffset + block * SUPER_BLOCK_VALUES + half * HALF_VALUES + group * GROUP_VALUES;
                    for (int part = 0; part < QuantLanes.PARTS_PER_16_VALUES; part++) {
                        int xPart = xIndex + part * FLOAT_LANES;
                        firstSubBlocks = affinePart(
                                quants, part, firstScale, firstOffset, x, xPart, firstSubBlocks);
                        secondSubBlocks = affinePart(quants, QuantLanes.PARTS_PER_16_VALUES + part,
                                secondScale, secondOffset, x, xPart + SUB_BLOCK_VALUES, secondSubBlocks);
                    }
                }
            }
        }
        // lanes left to right, written out here: a helper taking the vector could stay out of line (KernelSpecies)
        FloatVector laneSums = firstSubBlocks.add(secondSubBlocks);
        float inOrder = 0;
        for (int lane = 0; lane < KernelSpecies.FLOAT_LANES; lane++) {
            inOrder += laneSums.lane(lane);
        }
        return inOrder;
    }

    @Override
    void decodeRow(long rowOffset, float[] out, int offset) {
        for (int block = 0; block < blocksPerRow; block++) {
            long at = rowOffset + (long) block * BLOCK_BYTES;
            float d = half(at + D_AT);
            float dMin = half(at + D_MIN_AT);
            for (int half = 0; half < 2; half++) {
                ByteVector packed = load32(at + QUANTS_AT + 32L * half);
                for (int group = 0; group < 4; group++) {
                    ByteVector quants = quants(packed, group);
                    int subBlock = 8 * half + 2 * group;
                    int first = unsignedByte(at + subBlock);
                    int second = unsignedByte(at + subBlock + 1);
                    int outIndex = offset + block * SUPER_BLOCK_VALUES + half * HALF_VALUES + group * GROUP_VALUES;
                    QuantLanes.storeAffine(quants, 0, SUB_BLOCK_VALUES, scale(d, first), minOffset(dMin, first), out,
                            outIndex);
                    QuantLanes.storeAffine(quants, SUB_BLOCK_VALUES, SUB_BLOCK_VALUES, scale(d, second),
                            minOffset(dMin, second), out, outIndex + SUB_BLOCK_VALUES);
                }
            }
        }
    }

    /** The 32 quants of group {@code group}: 0..3. */
    private static ByteVector quants(ByteVector packed, int group) {
        // int-lane shift: x86 has no byte shift; the mask drops the bits that moved in from the neighbouring byte
        return packed.reinterpretAsInts().lanewise(VectorOperators.LSHR, 2 * group).reinterpretAsBytes()
                .and((byte) 0x03);
    }

    private static float scale(float d, int scaleByte) {
        return d * (scaleByte & 0x0F);
    }

    /** −dmin·min: added rather than subtracted, which is the same IEEE operation. */
    private static float minOffset(float dMin, int scaleByte) {
        return -(dMin * (scaleByte >>> 4));
    }

    // Private copies of the kernel steps, not shared helpers: see QuantLanes for why.

    private static FloatVector widenPart(ByteVector quants, int part) {
        return (FloatVector) quants.convertShape(VectorOperators.B2F, FLOAT, part);
    }

    /** {@code sum + (q·scale + offset)·x} for float part {@code part} of {@code quants}. */
    private static FloatVector affinePart(ByteVector quants, int part, FloatVector scale, FloatVector offset,
            float[] x, int xIndex, FloatVector sum) {
        return widenPart(quants, part).fma(scale, offset).fma(FloatVector.fromArray(FLOAT, x, xIndex), sum);
    }

    private ByteVector load32(long at) {
        return ByteVector.fromMemorySegment(BYTES_32, data, at, LittleEndian.ORDER);
    }
}
