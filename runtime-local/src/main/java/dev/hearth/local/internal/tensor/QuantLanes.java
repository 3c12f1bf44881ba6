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
 * What the block-quantised kernels share outside their dot-product loops: the part counts, the spreading of the
 * legacy Q5 formats' 32-bit fifth-bit word, and the dequantising stores (the embedding-lookup path, where a call per
 * sub-block costs nothing).
 *
 * <p>The dot-product steps are deliberately <em>not</em> here. Formats without a min apply their scale once per
 * block or sub-block to {@code Σ q·x}; formats with a min form each weight (scale·q + offset) before it meets x —
 * a factored-out min can cancel against the scaled sum, and with 16-lane floats factoring it saves nothing
 * (docs/performance/k-quants.md). Each kernel has private copies of its one-line steps: a vector helper shared by
 * every format gets compiled on its own early, after which C2 refuses to inline it into a kernel ("already compiled
 * into a big method"), boxing every vector crossing the call; whole formats ran five to ten times slower depending on
 * which ran first.
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
    private static FloatVector widen(ByteVector quants, int part) {
        return (FloatVector) quants.convertShape(VectorOperators.B2F, FLOAT, part);
    }
}
