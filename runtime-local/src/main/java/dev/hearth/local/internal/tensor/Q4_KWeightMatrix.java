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
 * Q4_K weights: super-blocks of 256 values in 144 bytes: fp16 {@code d} and {@code dmin}, 12 bytes of 6-bit
 * sub-block scales and mins ({@link KQuantScales}), then 128 nibble bytes. Chunk c (64 values) is bytes 32c..32c+31:
 * the low nibbles are sub-block 2c, the high nibbles sub-block 2c+1, and value = (d·scale)·q − dmin·min.
 *
 * <p>One 256-bit load per chunk yields both sub-blocks; the low ones accumulate into one vector and the high ones
 * into another, so the two FMA chains run side by side.
 */
final class Q4_KWeightMatrix extends BlockWeightMatrix {
    static final int SUPER_BLOCK_VALUES = 256;
    static final int SUB_BLOCK_VALUES = 32;
    static final int CHUNKS = 4;
    private static final int BLOCK_BYTES = 144;
    private static final int SCALES_AT = 4;
    private static final int NIBBLES_AT = 16;

    Q4_KWeightMatrix(MemorySegment data, int rows, int cols) {
        super(GgmlType.Q4_K, data, rows, cols);
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
            for (int chunk = 0; chunk < CHUNKS; chunk++) {
                int xIndex = xOffset + block * SUPER_BLOCK_VALUES + chunk * 2 * SUB_BLOCK_VALUES;
                int even = 2 * chunk;
                FloatVector evenScale = FloatVector.broadcast(FLOAT, scale(scales, d, even));
                FloatVector evenOffset = FloatVector.broadcast(FLOAT, minOffset(scales, dMin, even));
                FloatVector oddScale = FloatVector.broadcast(FLOAT, scale(scales, d, even + 1));
                FloatVector oddOffset = FloatVector.broadcast(FLOAT, minOffset(scales, dMin, even + 1));
                ByteVector packed = load32(at + NIBBLES_AT + (long) chunk * SUB_BLOCK_VALUES);
                ByteVector evenQuants = lowNibbles(packed);
                ByteVector oddQuants = highNibbles(packed);
                for (int part = 0; part < QuantLanes.PARTS_PER_32_VALUES; part++) {
                    int xPart = xIndex + part * FLOAT_LANES;
                    evenSubBlocks =
                            affinePart(evenQuants, part, evenScale, evenOffset, x, xPart, evenSubBlocks);
                    oddSubBlocks = affinePart(oddQuants, part, oddScale, oddOffset, x,
                            xPart + SUB_BLOCK_VALUES, oddSubBlocks);
                }
            }
        }
        return KernelSpecies.sumLanesInOrder(evenSubBlocks.add(oddSubBlocks));
    }

    @Override
    void decodeRow(long rowOffset, float[] out, int offset) {
        for (int block = 0; block < blocksPerRow; block++) {
            long at = rowOffset + (long) block * BLOCK_BYTES;
            float d = half(at);
            float dMin = half(at + 2);
            KQuantScales.Packed scales = KQuantScales.Packed.read(data, at + SCALES_AT);
            for (int chunk = 0; chunk < CHUNKS; chunk++) {
                int outIndex = offset + block * SUPER_BLOCK_VALUES + chunk * 2 * SUB_BLOCK_VALUES;
                int even = 2 * chunk;
                ByteVector packed = load32(at + NIBBLES_AT + (long) chunk * SUB_BLOCK_VALUES);
                QuantLanes.storeAffine(lowNibbles(packed), 0, SUB_BLOCK_VALUES, scale(scales, d, even),
                        minOffset(scales, dMin, even), out, outIndex);
                QuantLanes.storeAffine(highNibbles(packed), 0, SUB_BLOCK_VALUES, scale(scales, d, even + 1),
                        minOffset(scales, dMin, even + 1), out, outIndex + SUB_BLOCK_VALUES);
            }
        }
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

    private static ByteVector lowNibbles(ByteVector packed) {
        return packed.and((byte) 0x0F);
    }

    private static ByteVector highNibbles(ByteVector packed) {
        return packed.lanewise(VectorOperators.LSHR, 4);
    }
}
