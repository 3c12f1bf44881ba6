package dev.hearth.local.internal.tensor;

import static dev.hearth.local.internal.tensor.KernelSpecies.BYTES_16;
import static dev.hearth.local.internal.tensor.KernelSpecies.FLOAT;
import static dev.hearth.local.internal.tensor.KernelSpecies.FLOAT_LANES;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;

/**
 * The steps every block-quantised kernel shares: unpacking nibbles and high bits into a byte vector of small integers,
 * one per lane, then widening float-vector-sized parts of it, forming each weight (scale·q, or scale·q + offset for
 * formats with a min) and accumulating its product with x. The weight is formed before it meets x, rather than the
 * scale and min being factored out of a block sum, because a factored min can cancel catastrophically against the
 * scaled sum; this costs one multiply per value.
 *
 * <p>Parts are {@link KernelSpecies#FLOAT_LANES} (4, 8 or 16) values, so 16-value sub-blocks are whole parts at every
 * supported vector width.
 */
final class QuantLanes {
    /** Float vectors per 16 values: 1, 2 or 4. */
    static final int PARTS_PER_16_VALUES = 16 / FLOAT_LANES;
    /** Float vectors per 32 values: 2, 4 or 8. */
    static final int PARTS_PER_32_VALUES = 32 / FLOAT_LANES;

    /** Lane j holds bit j mod 8: tests one bit of each fifth-bit byte after {@link #FIFTH_BITS_0_15} spreads them. */
    private static final ByteVector BIT_OF_LANE = ByteVector.fromArray(BYTES_16,
            new byte[] {1, 2, 4, 8, 16, 32, 64, (byte) 128, 1, 2, 4, 8, 16, 32, 64, (byte) 128}, 0);
    /** Spreads bytes 0 and 1 of a 32-bit fifth-bit word over lanes 0..7 and 8..15. */
    private static final VectorShuffle<Byte> FIFTH_BITS_0_15 =
            VectorShuffle.fromValues(BYTES_16, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1);
    /** Spreads bytes 2 and 3 of a 32-bit fifth-bit word over lanes 0..7 and 8..15. */
    private static final VectorShuffle<Byte> FIFTH_BITS_16_31 =
            VectorShuffle.fromValues(BYTES_16, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3);

    private QuantLanes() {}

    /** The low nibble of each byte (0..15). */
    static ByteVector lowNibbles(ByteVector packed) {
        return packed.and((byte) 0x0F);
    }

    /** The high nibble of each byte (0..15); LSHR on bytes is unsigned, so no mask is needed. */
    static ByteVector highNibbles(ByteVector packed) {
        return packed.lanewise(VectorOperators.LSHR, 4);
    }

    /**
     * Adds 16 to the lanes of {@code nibbles} whose fifth bit is set, for the legacy Q5 formats: {@code header}'s
     * lanes 0..3 hold the little-endian 32-bit word whose bit j belongs to value j of the block; {@code secondHalf}
     * picks bits 16..31 instead of 0..15.
     */
    static ByteVector withFifthBits(ByteVector nibbles, ByteVector header, boolean secondHalf) {
        ByteVector spread = header.rearrange(secondHalf ? FIFTH_BITS_16_31 : FIFTH_BITS_0_15);
        VectorMask<Byte> set = spread.and(BIT_OF_LANE).compare(VectorOperators.NE, 0);
        return nibbles.lanewise(VectorOperators.OR, (byte) 16, set);
    }

    /** Adds {@code addend} to the lanes of {@code quants} whose lane in {@code bits} has bit {@code bit} set. */
    static ByteVector addWhereBitSet(ByteVector quants, ByteVector bits, int bit, int addend) {
        VectorMask<Byte> set = bits.and((byte) (1 << bit)).compare(VectorOperators.NE, 0);
        return quants.lanewise(VectorOperators.ADD, (byte) addend, set);
    }

    // The two per-part steps below are deliberately tiny (under C2's 35-byte always-inline limit) and leave the loop
    // over parts to the caller: a shared helper that loops is compiled on its own as a "big method" and then not
    // inlined into the kernels, which boxes every vector crossing the call and runs ten times slower.

    /** {@code sum + (q·scale)·x} for float part {@code part} of {@code quants} against {@code x[xIndex ..]}. */
    static FloatVector scaledPart(ByteVector quants, int part, FloatVector scale, float[] x, int xIndex,
            FloatVector sum) {
        return widen(quants, part).mul(scale).fma(FloatVector.fromArray(FLOAT, x, xIndex), sum);
    }

    /**
     * {@code sum + (q·scale + offset)·x} for float part {@code part} of {@code quants} against {@code x[xIndex ..]}.
     * The weight is fused (q·scale + offset rounded once), so it may differ from the reference's in the last bit.
     */
    static FloatVector affinePart(ByteVector quants, int part, FloatVector scale, FloatVector offset, float[] x,
            int xIndex, FloatVector sum) {
        return widen(quants, part).fma(scale, offset).fma(FloatVector.fromArray(FLOAT, x, xIndex), sum);
    }

    /** Writes {@code scale·q} for lanes {@code [first, first+count)} to {@code out[outIndex ..]}. */
    static void storeScaled(ByteVector quants, int first, int count, float scale, float[] out, int outIndex) {
        FloatVector scales = FloatVector.broadcast(FLOAT, scale);
        int firstPart = first / FLOAT_LANES;
        for (int part = 0; part < count / FLOAT_LANES; part++) {
            widen(quants, firstPart + part).mul(scales).intoArray(out, outIndex + part * FLOAT_LANES);
        }
    }

    /**
     * Writes {@code scale·q + offset} for lanes {@code [first, first+count)} to {@code out[outIndex ..]}, multiplied
     * and added separately (not fused) so the values equal {@link ScalarReference}'s bit for bit.
     */
    static void storeAffine(ByteVector quants, int first, int count, float scale, float offset, float[] out,
            int outIndex) {
        FloatVector scales = FloatVector.broadcast(FLOAT, scale);
        FloatVector offsets = FloatVector.broadcast(FLOAT, offset);
        int firstPart = first / FLOAT_LANES;
        for (int part = 0; part < count / FLOAT_LANES; part++) {
            widen(quants, firstPart + part).mul(scales).add(offsets).intoArray(out, outIndex + part * FLOAT_LANES);
        }
    }

    /** Lanes {@code part·FLOAT_LANES ..} of {@code quants}, sign-extended and converted to float lanes. */
    static FloatVector widen(ByteVector quants, int part) {
        return (FloatVector) quants.convertShape(VectorOperators.B2F, FLOAT, part);
    }
}
