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

    /*
     * Every kernel ends its dot products by summing a vector's lanes left to right, written out in the kernel itself
     * ({@code for (lane < FLOAT_LANES) sum += v.lane(lane)}) rather than in a shared helper. reduceLanes(ADD) leaves
     * the order unspecified, and the interpreter and C2 do use different orders, so the same row could give logits
     * differing in the last bit before and after compilation. And a helper taking a FloatVector is called so often
     * that C2 compiles it on its own early; its standalone code (the vector boxed, the lane switch) is then too big
     * for C2 to inline ("already compiled into a big method"), so every caller compiled after that boxes its vector
     * into a new object on every call: 96 bytes per RMSNorm and per row, measured (docs/performance/round-two.md).
     * The same holds for any helper that takes or returns a vector: none may be called out of line on a hot path.
     */

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

    private static VectorSpecies<Float> chooseFloatSpecies() {
        int preferredBits = FloatVector.SPECIES_PREFERRED.vectorBitSize();
        int clampedBits = Math.max(128, Math.min(512, preferredBits));
        return FloatVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(clampedBits));
    }
}
