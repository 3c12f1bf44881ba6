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
 * Q5_K weights: super-blocks of 256 values in 176 bytes: fp16 {@code d} and {@code dmin}, 12 bytes of 6-bit
 * sub-block scales and mins ({@link KQuantScales}), 32 bytes of fifth bits, then 128 nibble bytes arranged as in
 * Q4_K. Byte l of the fifth bits holds, in bit s, the fifth bit of value l of sub-block s. value = (d·scale)·q −
 * dmin·min with q in 0..31.
 *
 * <p>The fifth-bit bytes are loaded once per super-block; each sub-block tests its own bit lane-wise.
 */
final class Q5_KWeightMatrix extends BlockWeightMatrix {
    private static final int SUPER_BLOCK_VALUES = Q4_KWeightMatrix.SUPER_BLOCK_VALUES;
    private static final int SUB_BLOCK_VALUES = Q4_KWeightMatrix.SUB_BLOCK_VALUES;
    private static final int CHUNKS = Q4_KWeightMatrix.CHUNKS;
    private static final int BLOCK_BYTES = 176;
    private static final int SCALES_AT = 4;
    private static final int FIFTH_BITS_AT = 16;
    private static final int NIBBLES_AT = 48;
    private static final int FIFTH_BIT = 16;

    Q5_KWeightMatrix(MemorySegment data, int rows, int cols) {
        super(GgmlType.Q5_K, data, rows, cols);
    }

    @Override
    float rowDot(long rowOffset, float[] x, int xOffset) {
        FloatVector evenSubBlocks = FloatVector.zero(FLOAT);
        FloatVector oddSubBlocks = FloatVector.zero(FLOAT);
        for (int block = 0; block < blocksPerRow; block++) {
            long at = rowOffset + (long) block * BLOCK_BYTES;
            float d = half(at);
            float dMin = half(at + 2);
            KQuantScales.Packed scales = KQuantScales.Packed.read(data, at + SCALES_AT);
            ByteVector fifthBits = load32(at + FIFTH_BITS_AT);
            for (int chunk = 0; chunk < CHUNKS; chunk++) {
                int xIndex = xOffset + block * SUPER_BLOCK_VALUES + chunk * 2 * SUB_BLOCK_VALUES;
                int even = 2 * chunk;
                FloatVector evenScale = FloatVector.broadcast(FLOAT, scale(scales, d, even));
                FloatVector evenOffset = FloatVector.broadcast(FLOAT, minOffset(scales, dMin, even));
                FloatVector oddScale = FloatVector.broadcast(FLOAT, scale(scales, d, even + 1));
                FloatVector oddOffset = FloatVector.broadcast(FLOAT, minOffset(scales, dMin, even + 1));
                ByteVector packed = load32(at + NIBBLES_AT + (long) chunk * SUB_BLOCK_VALUES);
                ByteVector evenQuants = evenQuants(packed, fifthBits, even);
                ByteVector oddQuants = oddQuants(packed, fifthBits, even + 1);
                for (int part = 0; part < QuantLanes.PARTS_PER_32_VALUES; part++) {
                    int xPart = xIndex + part * FLOAT_LANES;
                    evenSubBlocks =
                            affinePart(evenQuants, part, evenScale, evenOffset, x, xPart, evenSubBlocks);
                    oddSubBlocks = affinePart(oddQuants, part, oddScale, oddOffset, x,
                            xPart + SUB_BLOCK_VALUES, oddSubBlocks);
                }
            }
        }
        // lanes left to right, written out here: a helper taking the vector could stay out of line (KernelSpecies)
        FloatVector laneSums = evenSubBlocks.add(oddSubBlocks);
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
            float d = half(at);
            float dMin = half(at + 2);
            KQuantScales.Packed scales = KQuantScales.Packed.read(data, at + SCALES_AT);
            ByteVector fifthBits = load32(at + FIFTH_BITS_AT);
            for (int chunk = 0; chunk < CHUNKS; chunk++) {
                int outIndex = offset + block * SUPER_BLOCK_VALUES + chunk * 2 * SUB_BLOCK_VALUES;
                int even = 2 * chunk;
                ByteVector packed = load32(at + NIBBLES_AT + (long) chunk * SUB_BLOCK_VALUES);
                QuantLanes.storeAffine(evenQuants(packed, fifthBits, even), 0, SUB_BLOCK_VALUES,
                        scale(scales, d, even), minOffset(scales, dMin, even), out, outIndex);
                QuantLanes.storeAffine(oddQuants(packed, fifthBits, even + 1), 0, SUB_BLOCK_VALUES,
                        scale(scales, d, even + 1), minOffset(scales, dMin, even + 1), out, outIndex + SUB_BLOCK_VALUES);
            }
        }
    }

    private static ByteVector evenQuants(ByteVector packed, ByteVector fifthBits, int subBlock) {
        return addWhereBitSet(packed.and((byte) 0x0F), fifthBits, subBlock, FIFTH_BIT);
    }

    private static ByteVector oddQuants(ByteVector packed, ByteVector fifthBits, int subBlock) {
        // int-lane shift: x86 has no byte shift; the mask drops the bits that moved in from the neighbouring byte
        ByteVector high = packed.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes()
                .and((byte) 0x0F);
        return addWhereBitSet(high, fifthBits, subBlock, FIFTH_BIT);
    }

    private static float scale(KQuantScales.Packed scales, float d, int subBlock) {
        return d * scales.scale(subBlock);
    }

    /** −dmin·min: added rather than subtracted, which is the same IEEE operation. */
    private static float minOffset(KQuantScales.Packed scales, float dMin, int subBlock) {
        return -(dMin * scales.min(subBlock));
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

    /** Adds {@code addend} to the lanes of {@code quants} whose lane in {@code bits} has bit {@code bit} set. */
    private static ByteVector addWhereBitSet(ByteVector quants, ByteVector bits, int bit, int addend) {
        VectorMask<Byte> set = bits.and((byte) (1 << bit)).compare(VectorOperators.NE, 0);
        return quants.lanewise(VectorOperators.ADD, (byte) addend, set);
    }
}
