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
 * Q5_0 weights: blocks of 32 values in 22 bytes, fp16 scale {@code d}, a little-endian 32-bit word whose bit j is
 * the fifth bit of value j, then 16 nibble bytes (byte j: value j low, value j+16 high): value = (q − 16)·d.
 *
 * <p>The bias is removed on the bytes, before widening.
 */
final class Q5_0WeightMatrix extends BlockWeightMatrix {
    private static final int BLOCK_VALUES = 32;
    private static final int HALF_BLOCK_VALUES = 16;
    private static final int BLOCK_BYTES = 22;
    private static final int FIFTH_BITS_AT = 2;
    private static final int NIBBLES_AT = 6;
    private static final byte BIAS = 16;

    Q5_0WeightMatrix(MemorySegment data, int rows, int cols) {
        super(GgmlType.Q5_0, data, rows, cols);
    }

    @Override
    float rowDot(long rowOffset, float[] x, int xOffset) {
        FloatVector firstHalves = FloatVector.zero(FLOAT);
        FloatVector secondHalves = FloatVector.zero(FLOAT);
        for (int block = 0; block < blocksPerRow; block++) {
            long at = rowOffset + (long) block * BLOCK_BYTES;
            int xIndex = xOffset + block * BLOCK_VALUES;
            ByteVector first = quants(at, false);
            ByteVector second = quants(at, true);
            FloatVector scale = FloatVector.broadcast(FLOAT, half(at));
            for (int part = 0; part < QuantLanes.PARTS_PER_16_VALUES; part++) {
                int xPart = xIndex + part * FLOAT_LANES;
                firstHalves = scaledPart(first, part, scale, x, xPart, firstHalves);
                secondHalves = scaledPart(second, part, scale, x, xPart + HALF_BLOCK_VALUES, secondHalves);
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
            QuantLanes.storeScaled(quants(at, false), 0, HALF_BLOCK_VALUES, scale, out, outIndex);
            QuantLanes.storeScaled(quants(at, true), 0, HALF_BLOCK_VALUES, scale, out, outIndex + HALF_BLOCK_VALUES);
        }
    }

    /** Values 0..15 (or 16..31 for {@code secondHalf}) of the block at {@code at}, bias removed: −16..15. */
    private ByteVector quants(long at, boolean secondHalf) {
        ByteVector packed = ByteVector.fromMemorySegment(BYTES_16, data, at + NIBBLES_AT, LittleEndian.ORDER);
        // int-lane shift: x86 has no byte shift; the mask drops the bits that moved in from the neighbouring byte
        ByteVector nibbles = (secondHalf
                ? packed.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes() : packed)
                .and((byte) 0x0F);
        ByteVector header = ByteVector.fromMemorySegment(BYTES_16, data, at + FIFTH_BITS_AT, LittleEndian.ORDER);
        return QuantLanes.withFifthBits(nibbles, header, secondHalf).sub(BIAS);
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
}
