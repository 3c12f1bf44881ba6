package dev.hearth.local.internal.tensor;

import static dev.hearth.local.internal.tensor.KernelSpecies.BYTES_16;
import static dev.hearth.local.internal.tensor.KernelSpecies.FLOAT;
import static dev.hearth.local.internal.tensor.KernelSpecies.FLOAT_LANES;

import dev.hearth.local.internal.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q4_1 weights: blocks of 32 values in 20 bytes, fp16 scale {@code d} and fp16 min {@code m}, then 16 bytes of
 * nibbles laid out as in Q4_0 (byte j: value j low, value j+16 high) but unbiased: value = q·d + m.
 *
 * <p>The low and high nibbles of a block feed separate accumulators, which gives two independent FMA chains.
 */
final class Q4_1WeightMatrix extends BlockWeightMatrix {
    private static final int BLOCK_VALUES = 32;
    private static final int HALF_BLOCK_VALUES = 16;
    private static final int BLOCK_BYTES = 20;
    private static final int NIBBLES_AT = 4;

    Q4_1WeightMatrix(MemorySegment data, int rows, int cols) {
        super(GgmlType.Q4_1, data, rows, cols);
    }

    @Override
    float rowDot(long rowOffset, float[] x, int xOffset) {
        FloatVector firstHalves = FloatVector.zero(FLOAT);
        FloatVector secondHalves = FloatVector.zero(FLOAT);
        for (int block = 0; block < blocksPerRow; block++) {
            long at = rowOffset + (long) block * BLOCK_BYTES;
            int xIndex = xOffset + block * BLOCK_VALUES;
            FloatVector scale = FloatVector.broadcast(FLOAT, half(at));
            FloatVector min = FloatVector.broadcast(FLOAT, half(at + 2));
            ByteVector packed = load16(at + NIBBLES_AT);
            ByteVector first = lowNibbles(packed);
            ByteVector second = highNibbles(packed);
            for (int part = 0; part < QuantLanes.PARTS_PER_16_VALUES; part++) {
                int xPart = xIndex + part * FLOAT_LANES;
                firstHalves = affinePart(first, part, scale, min, x, xPart, firstHalves);
                secondHalves =
                        affinePart(second, part, scale, min, x, xPart + HALF_BLOCK_VALUES, secondHalves);
            }
        }
        // lanes left to right, written out here: a helper taking the vector could stay out of line (KernelSpecies)
        FloatVector laneSums = firstHalves.add(secondHalves);
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
            int outIndex = offset + block * BLOCK_VALUES;
            float scale = half(at);
            float min = half(at + 2);
            ByteVector packed = load16(at + NIBBLES_AT);
            QuantLanes.storeAffine(lowNibbles(packed), 0, HALF_BLOCK_VALUES, scale, min, out, outIndex);
            QuantLanes.storeAffine(highNibbles(packed), 0, HALF_BLOCK_VALUES, scale, min, out,
                    outIndex + HALF_BLOCK_VALUES);
        }
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

    private ByteVector load16(long at) {
        return ByteVector.fromMemorySegment(BYTES_16, data, at, LittleEndian.ORDER);
    }

    private static ByteVector lowNibbles(ByteVector packed) {
        return packed.and((byte) 0x0F);
    }

    private static ByteVector highNibbles(ByteVector packed) {
        // int-lane shift: x86 has no byte shift (a byte LSHR compiles to widen, shift, pack); the mask drops the bits
        // that moved in from the neighbouring byte
        return packed.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F);
    }
}
