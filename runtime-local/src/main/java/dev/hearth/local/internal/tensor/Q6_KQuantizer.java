package dev.hearth.local.internal.tensor;

import dev.hearth.local.internal.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A Q6_K quantiser with a plain max-magnitude scale per 16-value sub-block: s = x<sub>m</sub> / −32, where
 * x<sub>m</sub> is the sub-block's value of largest magnitude (with its sign), so it lands exactly on level −32.
 * The sixteen steps are then stored as signed 8-bit multiples of d = max|s| / 128 (fp16), the largest as −128,
 * exactly as ggml's {@code quantize_row_q6_K_ref} stores them, and every value is re-quantised against the step the
 * block really stores: q = clamp(round(x / step), −32, 31).
 *
 * <p>Difference from llama-quantize: ggml picks each sub-block's step with {@code make_qx_quants}, which tries
 * steps around max/−32 and keeps the one with the least weighted squared error, so its bytes and (slightly lower)
 * error differ from ours. Worst-case error of ours, stated in the tests: |x − x̂| ≤ |s| + 33·d per value.
 */
final class Q6_KQuantizer implements BlockQuantizer {
    static final Q6_KQuantizer INSTANCE = new Q6_KQuantizer();
    private static final int SUB_BLOCKS = 16;
    private static final int SUB_BLOCK_VALUES = 16;
    private static final int LOWEST = -32;
    private static final int HIGHEST = 31;
    private static final int SCALE_LOWEST = -128;
    private static final int SCALE_HIGHEST = 127;

    private Q6_KQuantizer() {}

    @Override
    public GgmlType type() {
        return GgmlType.Q6_K;
    }

    @Override
    public void quantizeBlock(float[] values, int from, MemorySegment out, long at) {
        float[] steps = new float[SUB_BLOCKS];
        float largestStep = 0;
        for (int subBlock = 0; subBlock < SUB_BLOCKS; subBlock++) {
            float maxMagnitude = 0;
            float signedMax = 0;
            for (int j = 0; j < SUB_BLOCK_VALUES; j++) {
                float value = values[from + subBlock * SUB_BLOCK_VALUES + j];
                if (Math.abs(value) > maxMagnitude) {
                    maxMagnitude = Math.abs(value);
                    signedMax = value;
                }
            }
            steps[subBlock] = signedMax / LOWEST;
            if (Math.abs(steps[subBlock]) > Math.abs(largestStep)) {
                largestStep = steps[subBlock];
            }
        }
        float inverseScale = largestStep != 0 ? SCALE_LOWEST / largestStep : 0;
        short d = QuantRounding.toHalf(inverseScale != 0 ? 1 / inverseScale : 0);
        float storedD = Float.float16ToFloat(d);
        int[] quants = new int[SUB_BLOCKS * SUB_BLOCK_VALUES];
        for (int subBlock = 0; subBlock < SUB_BLOCKS; subBlock++) {
            int scale = Math.min(SCALE_HIGHEST, QuantRounding.nearestInt(inverseScale * steps[subBlock]));
            out.set(ValueLayout.JAVA_BYTE, at + 192 + subBlock, (byte) scale);
            float step = storedD * scale;
            for (int j = 0; j < SUB_BLOCK_VALUES; j++) {
                int index = subBlock * SUB_BLOCK_VALUES + j;
                int quant = step == 0
                        ? 0
                        : Math.clamp(QuantRounding.nearestInt(values[from + index] / step), LOWEST, HIGHEST);
                quants[index] = quant - LOWEST;
            }
        }
        out.set(LittleEndian.SHORT, at + 208, d);
        pack(quants, out, at);
    }

    /**
     * Writes the unsigned 6-bit quants in Q6_K's layout: in half h, group k of 32 puts its low nibbles in the low
     * (k &lt; 2) or high (k ≥ 2) nibbles of ql[64h + 32·(k mod 2) ..] and its upper two bits at bit 2k of qh[32h ..].
     */
    private static void pack(int[] quants, MemorySegment out, long at) {
        for (int half = 0; half < 2; half++) {
            for (int l = 0; l < 32; l++) {
                int base = 128 * half + l;
                int q0 = quants[base];
                int q1 = quants[base + 32];
                int q2 = quants[base + 64];
                int q3 = quants[base + 96];
                out.set(ValueLayout.JAVA_BYTE, at + 64L * half + l, (byte) ((q0 & 0x0F) | (q2 & 0x0F) << 4));
                out.set(ValueLayout.JAVA_BYTE, at + 64L * half + 32 + l, (byte) ((q1 & 0x0F) | (q3 & 0x0F) << 4));
                int upper = (q0 >>> 4) | (q1 >>> 4) << 2 | (q2 >>> 4) << 4 | (q3 >>> 4) << 6;
                out.set(ValueLayout.JAVA_BYTE, at + 128 + 32L * half + l, (byte) upper);
            }
        }
    }
}
