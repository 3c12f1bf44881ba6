package dev.hearth.local.internal.tensor;

import static dev.hearth.local.internal.tensor.KernelSpecies.BYTES_32;
import static dev.hearth.local.internal.tensor.KernelSpecies.FLOAT;
import static dev.hearth.local.internal.tensor.KernelSpecies.FLOAT_LANES;

import dev.hearth.local.internal.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Q3_K weights: super-blocks of 256 values in 110 bytes: 32 bytes of high bits (hmask), 64 bytes of 2-bit quants,
 * 12 bytes of sixteen packed 6-bit scales ({@link KQuantScales#q3Scale}), fp16 {@code d}. In half h, group j (0..3)
 * of 32 values is bits 2j..2j+1 of quant bytes 32h..32h+31, and bit 4h + j of hmask[l] is its high bit; a clear
 * high bit means −4, so q ∈ [−4, 3] and value = (d·scale)·q.
 *
 * <p>hmask is loaded once per super-block and each half's quant bytes once; every group is a shift, a mask and a
 * masked subtract away. Each group spans two 16-value sub-blocks, which feed separate accumulators.
 */
final class Q3_KWeightMatrix extends BlockWeightMatrix {
    private static final int SUPER_BLOCK_VALUES = 256;
    private static final int HALF_VALUES = 128;
    private static final int GROUP_VALUES = 32;
    private static final int SUB_BLOCK_VALUES = 16;
    private static final int BLOCK_BYTES = 110;
    private static final int QUANTS_AT = 32;
    private static final int SCALES_AT = 96;
    private static final int D_AT = 108;
    private static final byte HIGH_BIT_CLEAR_OFFSET = 4;

    Q3_KWeightMatrix(MemorySegment data, int rows, int cols) {
        super(GgmlType.Q3_K, data, rows, cols);
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
        KQuantScales.Packed scales = KQuantScales.Packed.read(data, at + SCALES_AT);
        ByteVector highBits = load32(at);
        for (int half = 0; half < 2; half++) {
            ByteVector packed = load32(at + QUANTS_AT + 32L * half);
            for (int group = 0; group < 4; group++) {
                ByteVector quants = quants(packed, highBits, half, group);
                int subBlock = 8 * half + 2 * group;
                int xIndex = xBlock + half * HALF_VALUES + group * GROUP_VALUES;
                FloatVector firstScale = FloatVector.broadcast(FLOAT, scale(scales, d, subBlock));
                FloatVector secondScale = FloatVector.broadcast(FLOAT, scale(scales, d, subBlock + 1));
                for (int part = 0; part < QuantLanes.PARTS_PER_16_VALUES; part++) {
                    int xPart = xIndex + part * FLOAT_LANES;
                    firstSubBlocks = scaledPart(quants, part, firstScale, x, xPart, firstSubBlocks);
                    secondSubBlocks = scaledPart(quants, QuantLanes.PARTS_PER_16_VALUES + part,
                            secondScale, x, xPart + SUB_BLOCK_VALUES, secondSubBlocks);
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
            KQuantScales.Packed scales = KQuantScales.Packed.read(data, at + SCALES_AT);
            ByteVector highBits = load32(at);
            for (int half = 0; half < 2; half++) {
                ByteVector packed = load32(at + QUANTS_AT + 32L * half);
                for (int group = 0; group < 4; group++) {
                    ByteVector quants = quants(packed, highBits, half, group);
                    int subBlock = 8 * half + 2 * group;
                    int outIndex = offset + block * SUPER_BLOCK_VALUES + half * HALF_VALUES + group * GROUP_VALUES;
                    QuantLanes.storeScaled(quants, 0, SUB_BLOCK_VALUES, scale(scales, d, subBlock), out, outIndex);
                    QuantLanes.storeScaled(quants, SUB_BLOCK_VALUES, SUB_BLOCK_VALUES, scale(scales, d, subBlock + 1),
                            out, outIndex + SUB_BLOCK_VALUES);
                }
            }
        }
    }

    /** The 32 quants of group {@code group} of half {@code half}: −4..3. */
    private static ByteVector quants(ByteVector packed, ByteVector highBits, int half, int group) {
        // int-lane shift: x86 has no byte shift; the mask drops the bits that moved in from the neighbouring byte
        ByteVector low = packed.reinterpretAsInts().lanewise(VectorOperators.LSHR, 2 * group).reinterpretAsBytes()
                .and((byte) 0x03).sub(HIGH_BIT_CLEAR_OFFSET);
        return addWhereBitSet(low, highBits, 4 * half + group, HIGH_BIT_CLEAR_OFFSET);
    }

    private static float scale(KQuantScales.Packed scales, float d, int subBlock) {
        return d * scales.q3Scale(subBlock);
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

    /** Adds {@code addend} to the lanes of {@code quants} whose lane in {@code bits} has bit {@code bit} set. */
    private static ByteVector addWhereBitSet(ByteVector quants, ByteVector bits, int bit, int addend) {
        VectorMask<Byte> set = bits.and((byte) (1 << bit)).compare(VectorOperators.NE, 0);
        return quants.lanewise(VectorOperators.ADD, (byte) addend, set);
    }
}
