package dev.hearth.local.internal.tensor;

import dev.hearth.local.internal.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * ggml's reference Q8_0 quantiser: d = max|x| / 127 (stored as fp16), q = roundf(x / d) using the float reciprocal
 * of the unrounded d, exactly as {@code quantize_row_q8_0_ref} does, so the bytes match llama-quantize's.
 */
final class Q8_0Quantizer implements BlockQuantizer {
    static final Q8_0Quantizer INSTANCE = new Q8_0Quantizer();
    private static final int BLOCK_VALUES = 32;

    private Q8_0Quantizer() {}

    @Override
    public GgmlType type() {
        return GgmlType.Q8_0;
    }

    @Override
    public void quantizeBlock(float[] values, int from, MemorySegment out, long at) {
        float maxMagnitude = 0;
        for (int j = 0; j < BLOCK_VALUES; j++) {
            maxMagnitude = Math.max(maxMagnitude, Math.abs(values[from + j]));
        }
        float scale = maxMagnitude / 127;
        float inverse = scale != 0 ? 1 / scale : 0;
        out.set(LittleEndian.SHORT, at, QuantRounding.toHalf(scale));
        for (int j = 0; j < BLOCK_VALUES; j++) {
            int quant = QuantRounding.roundHalfAwayFromZero(values[from + j] * inverse);
            out.set(ValueLayout.JAVA_BYTE, at + 2 + j, (byte) quant);
        }
    }
}
