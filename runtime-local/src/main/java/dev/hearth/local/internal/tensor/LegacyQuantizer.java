package dev.hearth.local.internal.tensor;

import dev.hearth.local.internal.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * ggml's reference quantisers for the 32-value 4- and 5-bit formats, which differ only in the bit width and whether
 * they store a min:
 * <ul>
 *   <li>symmetric (Q4_0, Q5_0): x<sub>m</sub> is the value of largest magnitude, with its sign; d = x<sub>m</sub> /
 *       −2<sup>bits−1</sup>, so x<sub>m</sub> lands exactly on the lowest level; q = min(top, trunc(x/d +
 *       2<sup>bits−1</sup> + ½)).</li>
 *   <li>with a min (Q4_1, Q5_1): d = (max − min) / top, m = min; q = min(top, trunc((x − m)/d + ½)).</li>
 * </ul>
 * Divisions use the float reciprocal of the unrounded d, as {@code quantize_row_q4_0_ref} and its siblings do, so the
 * bytes match llama-quantize's (checked against the parity models in the tests).
 */
final class LegacyQuantizer implements BlockQuantizer {
    static final LegacyQuantizer Q4_0 = new LegacyQuantizer(GgmlType.Q4_0, 4, false);
    static final LegacyQuantizer Q4_1 = new LegacyQuantizer(GgmlType.Q4_1, 4, true);
    static final LegacyQuantizer Q5_0 = new LegacyQuantizer(GgmlType.Q5_0, 5, false);
    static final LegacyQuantizer Q5_1 = new LegacyQuantizer(GgmlType.Q5_1, 5, true);

    private static final int BLOCK_VALUES = 32;
    private static final int HALF_BLOCK_VALUES = 16;

    private final GgmlType type;
    private final int bits;
    private final boolean hasMin;
    /** The highest quant: 15 or 31. */
    private final int top;

    private LegacyQuantizer(GgmlType type, int bits, boolean hasMin) {
        this.type = type;
        this.bits = bits;
        this.hasMin = hasMin;
        this.top = (1 << bits) - 1;
    }

    @Override
    public GgmlType type() {
        return type;
    }

    @Override
    public void quantizeBlock(float[] values, int from, MemorySegment out, long at) {
        int[] quants = new int[BLOCK_VALUES];
        long headerEnd;
        if (hasMin) {
            float min = Float.MAX_VALUE;
            float max = -Float.MAX_VALUE;
            for (int j = 0; j < BLOCK_VALUES; j++) {
                // Comparisons rather than Math.min/max, so a block of zeros keeps the first zero's sign as ggml does.
                float value = values[from + j];
                if (value < min) {
                    min = value;
                }
                if (value > max) {
                    max = value;
                }
            }
            float scale = (max - min) / top;
            float inverse = scale != 0 ? 1 / scale : 0;
            for (int j = 0; j < BLOCK_VALUES; j++) {
                quants[j] = Math.min(top, (int) ((values[from + j] - min) * inverse + 0.5f));
            }
            out.set(LittleEndian.SHORT, at, QuantRounding.toHalf(scale));
            out.set(LittleEndian.SHORT, at + 2, QuantRounding.toHalf(min));
            headerEnd = at + 4;
        } else {
            float maxMagnitude = 0;
            float signedMax = 0;
            for (int j = 0; j < BLOCK_VALUES; j++) {
                if (maxMagnitude < Math.abs(values[from + j])) {
                    maxMagnitude = Math.abs(values[from + j]);
                    signedMax = values[from + j];
                }
            }
            int bias = 1 << (bits - 1);
            float scale = signedMax / -bias;
            float inverse = scale != 0 ? 1 / scale : 0;
            float roundingBias = bias + 0.5f;
            for (int j = 0; j < BLOCK_VALUES; j++) {
                quants[j] = Math.min(top, (int) (values[from + j] * inverse + roundingBias));
            }
            out.set(LittleEndian.SHORT, at, QuantRounding.toHalf(scale));
            headerEnd = at + 2;
        }
        long nibblesAt = headerEnd;
        if (bits == 5) {
            int fifthBits = 0;
            for (int j = 0; j < BLOCK_VALUES; j++) {
                fifthBits |= (quants[j] >>> 4 & 1) << j;
            }
            out.set(LittleEndian.INT, headerEnd, fifthBits);
            nibblesAt += Integer.BYTES;
        }
        for (int j = 0; j < HALF_BLOCK_VALUES; j++) {
            int packed = (quants[j] & 0x0F) | (quants[j + HALF_BLOCK_VALUES] & 0x0F) << 4;
            out.set(ValueLayout.JAVA_BYTE, nibblesAt + j, (byte) packed);
        }
    }
}
