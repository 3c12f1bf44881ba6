package dev.hearth.local.internal.tensor;

import static dev.hearth.local.internal.tensor.KernelSpecies.FLOAT;
import static dev.hearth.local.internal.tensor.KernelSpecies.FLOAT_LANES;

import dev.hearth.local.internal.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;

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
                firstHalves = QuantLanes.scaledPart(first, part, scale, x, xPart, firstHalves);
                secondHalves = QuantLanes.scaledPart(second, part, scale, x, xPart + HALF_BLOCK_VALUES, secondHalves);
            }
        }
        return KernelSpecies.sumLanesInOrder(firstHalves.add(secondHalves));
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
        ByteVector packed = bytes16(at + NIBBLES_AT);
        ByteVector nibbles = secondHalf ? QuantLanes.highNibbles(packed) : QuantLanes.lowNibbles(packed);
        return QuantLanes.withFifthBits(nibbles, bytes16(at + FIFTH_BITS_AT), secondHalf).sub(BIAS);
    }
}
