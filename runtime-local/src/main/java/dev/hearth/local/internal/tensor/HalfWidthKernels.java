package dev.hearth.local.internal.tensor;

import static dev.hearth.local.internal.tensor.KernelSpecies.HALF_WIDTH_SHORT;
import static dev.hearth.local.internal.tensor.KernelSpecies.INT;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Vector conversions of 16-bit floats (IEEE half and bfloat16) to float lanes, shared by {@link F16WeightMatrix} and
 * {@link Bf16WeightMatrix}. Each load reads {@link KernelSpecies#FLOAT_LANES} 16-bit values from the segment and
 * widens them to int lanes of the float shape, where the bit manipulation happens.
 *
 * <p>The row loops themselves live in each matrix class rather than here, on purpose: a single shared loop taking the
 * format as a parameter measured 4–6× slower, because the JIT compiles one body for both formats and can no longer
 * specialise the conversion.
 *
 * <p>JDK 25 has no vector half→float conversion operator ({@code VectorOperators.S2F} converts the <em>integer</em>
 * value, and {@code jdk.incubator.vector.Float16} is scalar only), so the F16 path rebuilds the float bits with shifts,
 * a mask and one multiply. Measured on the AVX-512 Zen 5 dev box (4096 × 4096 matVec, one thread, unaligned
 * segment, best of 10): vector F16 path 6.0 ms against 11.0 ms for a 4-accumulator scalar loop over the intrinsified
 * {@link Float#float16ToFloat}, so the vector path is kept. For comparison BF16 takes 1.7 ms, F32 3.4 ms, Q8_0 1.1–1.8
 * ms and Q4_0 1.3 ms: F16 is conversion-bound, not memory-bound, and the first candidate for further tuning.
 */
final class HalfWidthKernels {
    /** 2^112: the exponent-bias difference between float (127) and half (15). */
    private static final float HALF_TO_FLOAT_EXPONENT_SCALE = 0x1.0p112f;
    /** Exponent bits of a half; all set means infinity or NaN. */
    private static final int HALF_EXPONENT_MASK = 0x7C00;
    /** Sign at bit 31 plus the half's exponent and mantissa moved to bits 13..27. */
    private static final int SIGN_AND_SHIFTED_MAGNITUDE_MASK = 0x8FFF_E000;
    private static final int FLOAT_EXPONENT_MASK = 0x7F80_0000;

    private HalfWidthKernels() {}

    /**
     * The next {@link KernelSpecies#FLOAT_LANES} 16-bit values at {@code byteOffset}, widened to int lanes. The
     * widening sign-extends; both conversions below only look at the low 16 bits, so that is harmless.
     */
    static IntVector loadBits(MemorySegment data, long byteOffset) {
        ShortVector halves = ShortVector.fromMemorySegment(HALF_WIDTH_SHORT, data, byteOffset, LittleEndian.ORDER);
        return (IntVector) halves.convertShape(VectorOperators.S2I, INT, 0);
    }

    /** The next {@link KernelSpecies#FLOAT_LANES} IEEE halves at {@code byteOffset} as floats. */
    static FloatVector loadHalfs(MemorySegment data, long byteOffset) {
        return halfBitsToFloats(loadBits(data, byteOffset));
    }

    /** The next {@link KernelSpecies#FLOAT_LANES} bfloat16 values at {@code byteOffset} as floats. */
    static FloatVector loadBfloat16s(MemorySegment data, long byteOffset) {
        return bfloat16BitsToFloats(loadBits(data, byteOffset));
    }

    /** Scalar bfloat16 to float, for tails. */
    static float bfloat16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /**
     * IEEE half bits (in the low 16 bits of each lane) to floats, exactly, including subnormals, infinities and NaN.
     *
     * <p>Shifting the half to the top of the lane and arithmetic-shifting it back by 3 leaves the sign at bit 31 and
     * the 15 exponent-and-mantissa bits at bits 13..27 (the mask clears the three sign copies in between). Read as a
     * float, that is the half's value times 2^-112, because the exponent biases differ by 112 (127 vs 15);
     * multiplying by 2^112 restores it, sign included. This is exact for normal halves and for subnormal ones, which
     * land on float subnormals and are scaled into the normal range. Infinities and NaNs (half exponent 31) would come
     * out as finite values of at least 65536, so those lanes get their float exponent forced to all ones, which keeps
     * the NaN payload just as {@link Float#float16ToFloat} does.
     */
    static FloatVector halfBitsToFloats(IntVector halfBits) {
        IntVector signAndMagnitude = halfBits
                .lanewise(VectorOperators.LSHL, 16)
                .lanewise(VectorOperators.ASHR, 3)
                .and(SIGN_AND_SHIFTED_MAGNITUDE_MASK);
        IntVector rebiased = signAndMagnitude
                .reinterpretAsFloats()
                .mul(HALF_TO_FLOAT_EXPONENT_SCALE)
                .reinterpretAsInts();
        VectorMask<Integer> infinityOrNan =
                halfBits.and(HALF_EXPONENT_MASK).compare(VectorOperators.EQ, HALF_EXPONENT_MASK);
        return rebiased.lanewise(VectorOperators.OR, FLOAT_EXPONENT_MASK, infinityOrNan).reinterpretAsFloats();
    }

    /** bfloat16 bits (in the low 16 bits of each lane) are the upper half of a float32: shift them back up. */
    static FloatVector bfloat16BitsToFloats(IntVector bfloat16Bits) {
        return bfloat16Bits.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }
}
