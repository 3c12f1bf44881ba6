package dev.hearth.local.internal.tensor;

/**
 * The roundings ggml's reference quantisers use, reproduced exactly so our blocks match llama-quantize's byte for
 * byte where the algorithm is the same.
 */
final class QuantRounding {
    private QuantRounding() {}

    /** C's {@code roundf}: to nearest, ties away from zero (unlike {@link Math#round}, which ties toward +∞). */
    static int roundHalfAwayFromZero(float value) {
        // In double, |value| + 0.5 is exact for every float that matters here (|value| ≤ 2^24), so floor is exact.
        return (int) Math.copySign(Math.floor(Math.abs((double) value) + 0.5), value);
    }

    /** ggml's {@code nearest_int}: to nearest, ties to even (its float magic-number trick, valid for |v| ≤ 2^22). */
    static int nearestInt(float value) {
        return (int) Math.rint(value);
    }

    /**
     * A block scale as an fp16 bit pattern, rounded to nearest even like the F16C instruction ggml uses.
     *
     * @throws IllegalArgumentException when the scale overflows fp16 (ggml would silently store infinity and the
     *     block would decode to NaN and ±∞)
     */
    static short toHalf(float scale) {
        short half = Float.floatToFloat16(scale);
        if (Float.isInfinite(Float.float16ToFloat(half))) {
            throw new IllegalArgumentException("block scale " + scale
                    + " exceeds the fp16 range (±65504): the values are too large for this block format");
        }
        return half;
    }

    /** Rejects NaN and ±∞ before they are folded into a block scale, naming the offending index. */
    static void requireFinite(float[] values, int from, int count) {
        for (int i = from; i < from + count; i++) {
            if (!Float.isFinite(values[i])) {
                throw new IllegalArgumentException("value " + values[i] + " at index " + i
                        + " cannot be quantised: only finite values have a block encoding");
            }
        }
    }
}
