package dev.hearth.local.internal.tensor;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector species every kernel in this package shares. Held in {@code static final} fields so the JIT treats them
 * as constants and every lane count and loop bound folds away.
 *
 * <p>{@link #FLOAT} is the machine's preferred float species, clamped to [128, 512] bits: quantised blocks hold 32
 * values, so the lane count must divide 32 (at most 16 float lanes), and the half-width short species used by the
 * F16/BF16 kernels must exist (at least 64 bits, so floats of at least 128 bits).
 */
final class KernelSpecies {
    static final VectorSpecies<Float> FLOAT = chooseFloatSpecies();
    static final int FLOAT_LANES = FLOAT.length();

    /** Ints with the same shape as {@link #FLOAT}: the bit-manipulation stage of the F16/BF16 conversions. */
    static final VectorSpecies<Integer> INT = IntVector.SPECIES_PREFERRED.withShape(FLOAT.vectorShape());

    /** Shorts with half the width of {@link #FLOAT}: exactly {@link #FLOAT_LANES} 16-bit values per load. */
    static final VectorSpecies<Short> HALF_WIDTH_SHORT =
            ShortVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(FLOAT.vectorBitSize() / 2));

    /** All 32 int8 quants of a Q8_0 block in one load. */
    static final VectorSpecies<Byte> BYTES_32 = ByteVector.SPECIES_256;

    /** All 16 packed nibble bytes of a Q4_0 block in one load. */
    static final VectorSpecies<Byte> BYTES_16 = ByteVector.SPECIES_128;

    private KernelSpecies() {}

    /**
     * Sums the lanes left to right. {@code reduceLanes(ADD)} leaves the order unspecified, and the interpreter and
     * C2 do use different orders, so the same row could give logits differing in the last bit before and after
     * compilation; a fixed order keeps a seeded generation reproducible within and across runs.
     */
    static float sumLanesInOrder(FloatVector vector) {
        float sum = 0;
        for (int lane = 0; lane < FLOAT_LANES; lane++) {
            sum += vector.lane(lane);
        }
        return sum;
    }

    private static VectorSpecies<Float> chooseFloatSpecies() {
        int preferredBits = FloatVector.SPECIES_PREFERRED.vectorBitSize();
        int clampedBits = Math.max(128, Math.min(512, preferredBits));
        return FloatVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(clampedBits));
    }
}
