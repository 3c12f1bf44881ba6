package dev.hearth.local.internal.tensor;

import dev.hearth.api.UnsupportedModelException;
import dev.hearth.local.internal.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Plain scalar dequantisers written straight from the ggml block layouts, one value at a time, with no cleverness.
 * They are the reference the vector kernels are tested against, and the first thing to reach for when a kernel is
 * suspected of being wrong. Never used on the inference path.
 */
public final class ScalarReference {
    private static final int QUANT_BLOCK_VALUES = 32;
    private static final int Q8_0_BLOCK_BYTES = 34;
    private static final int Q4_0_BLOCK_BYTES = 18;
    private static final int SCALE_BYTES = 2;
    private static final int SUPER_BLOCK_VALUES = 256;

    private ScalarReference() {}

    /**
     * The first {@code elements} values stored in {@code data} as {@code type}, as floats.
     *
     * @throws UnsupportedModelException for a type this package has no kernel for
     * @throws IllegalArgumentException when {@code elements} is not a whole number of blocks, does not fit a Java
     *     array, or needs more bytes than {@code data} holds
     */
    public static float[] dequantize(GgmlType type, MemorySegment data, long elements) {
        long bytes = type.bytesFor(elements);
        if (bytes < 0 || elements > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(
                    elements + " elements are not a whole number of " + type + " blocks or do not fit an array");
        }
        if (bytes > data.byteSize()) {
            throw new IllegalArgumentException(elements + " " + type + " elements need " + bytes
                    + " bytes but the segment holds " + data.byteSize());
        }
        float[] values = new float[(int) elements];
        switch (type) {
            case F32 -> {
                for (int i = 0; i < values.length; i++) {
                    values[i] = data.get(LittleEndian.FLOAT, (long) i * Float.BYTES);
                }
            }
            case F16 -> {
                for (int i = 0; i < values.length; i++) {
                    values[i] = Float.float16ToFloat(data.get(LittleEndian.SHORT, (long) i * Short.BYTES));
                }
            }
            case BF16 -> {
                for (int i = 0; i < values.length; i++) {
                    int upperBits = data.get(LittleEndian.SHORT, (long) i * Short.BYTES) & 0xFFFF;
                    values[i] = Float.intBitsToFloat(upperBits << 16);
                }
            }
            case Q8_0 -> {
                for (int block = 0; block < values.length / QUANT_BLOCK_VALUES; block++) {
                    long blockOffset = (long) block * Q8_0_BLOCK_BYTES;
                    float scale = Float.float16ToFloat(data.get(LittleEndian.SHORT, blockOffset));
                    for (int j = 0; j < QUANT_BLOCK_VALUES; j++) {
                        byte quant = data.get(ValueLayout.JAVA_BYTE, blockOffset + SCALE_BYTES + j);
                        values[block * QUANT_BLOCK_VALUES + j] = scale * quant;
                    }
                }
            }
            case Q4_0 -> {
                for (int block = 0; block < values.length / QUANT_BLOCK_VALUES; block++) {
                    long blockOffset = (long) block * Q4_0_BLOCK_BYTES;
                    float scale = Float.float16ToFloat(data.get(LittleEndian.SHORT, blockOffset));
                    for (int j = 0; j < QUANT_BLOCK_VALUES / 2; j++) {
                        int packed = data.get(ValueLayout.JAVA_BYTE, blockOffset + SCALE_BYTES + j)
                                & 0xFF;
                        int lowNibble = (packed & 0x0F) - 8;
                        int highNibble = (packed >> 4) - 8;
                        values[block * QUANT_BLOCK_VALUES + j] = scale * lowNibble;
                        values[block * QUANT_BLOCK_VALUES + j + QUANT_BLOCK_VALUES / 2] = scale * highNibble;
                    }
                }
            }
            case Q4_1 -> legacyBlocks(data, values, 20, true, false);
            case Q5_0 -> legacyBlocks(data, values, 22, false, true);
            case Q5_1 -> legacyBlocks(data, values, 24, true, true);
            case Q2_K -> forEachSuperBlock(data, values, GgmlType.Q2_K, ScalarReference::q2K);
            case Q3_K -> forEachSuperBlock(data, values, GgmlType.Q3_K, ScalarReference::q3K);
            case Q4_K -> forEachSuperBlock(data, values, GgmlType.Q4_K, (block, at, out, start) ->
                    q4KOrQ5K(block, at, out, start, false));
            case Q5_K -> forEachSuperBlock(data, values, GgmlType.Q5_K, (block, at, out, start) ->
                    q4KOrQ5K(block, at, out, start, true));
            case Q6_K -> forEachSuperBlock(data, values, GgmlType.Q6_K, ScalarReference::q6K);
            default -> throw new UnsupportedModelException("tensor type " + type
                    + " is not supported by the local engine yet; supported: " + MatrixArguments.SUPPORTED_TYPES);
        }
        return values;
    }

    /**
     * Q4_1 (d, m, 16 nibble bytes), Q5_0 (d, 4 bytes of fifth bits, 16 nibble bytes) and Q5_1 (d, m, fifth bits,
     * nibbles). Byte j holds value j in its low and value j+16 in its high nibble; bit j of the little-endian 32-bit
     * {@code qh} is the fifth bit of value j. With a min: value = q·d + m; without: value = (q − 16)·d.
     */
    private static void legacyBlocks(MemorySegment data, float[] values, int blockBytes, boolean hasMin,
            boolean hasFifthBit) {
        for (int block = 0; block < values.length / QUANT_BLOCK_VALUES; block++) {
            long at = (long) block * blockBytes;
            float scale = half(data, at);
            float min = hasMin ? half(data, at + SCALE_BYTES) : 0;
            long fifthBitsAt = at + (hasMin ? 2 * SCALE_BYTES : SCALE_BYTES);
            int fifthBits = hasFifthBit ? data.get(LittleEndian.INT, fifthBitsAt) : 0;
            long nibblesAt = fifthBitsAt + (hasFifthBit ? Integer.BYTES : 0);
            for (int j = 0; j < QUANT_BLOCK_VALUES; j++) {
                int packed = unsigned(data, nibblesAt + j % 16);
                int quant = j < 16 ? packed & 0x0F : packed >>> 4;
                quant |= (fifthBits >>> j & 1) << 4;
                float value;
                if (hasMin) {
                    value = quant * scale + min;
                } else {
                    value = (quant - 16) * scale;
                }
                values[block * QUANT_BLOCK_VALUES + j] = value;
            }
        }
    }

    /** Decodes one 256-value super-block at byte {@code at} into {@code out[start .. start+256)}. */
    @FunctionalInterface
    private interface SuperBlockDecoder {
        void decode(MemorySegment data, long at, float[] out, int start);
    }

    private static void forEachSuperBlock(MemorySegment data, float[] values, GgmlType type,
            SuperBlockDecoder decoder) {
        for (int block = 0; block < values.length / SUPER_BLOCK_VALUES; block++) {
            decoder.decode(data, (long) block * type.blockBytes(), values, block * SUPER_BLOCK_VALUES);
        }
    }

    /**
     * Q2_K: 16 scale bytes (low nibble scale, high nibble min, one per 16 values), 64 bytes of 2-bit quants, fp16 d
     * and dmin. Each half of 128 values reads 32 quant bytes four times, at bit shifts 0, 2, 4, 6; every shift yields
     * 32 values: byte l gives value 32·shift/2 + l. value = (d·scale)·q − dmin·min.
     */
    private static void q2K(MemorySegment data, long at, float[] out, int start) {
        float d = half(data, at + 80);
        float dMin = half(data, at + 82);
        for (int i = 0; i < SUPER_BLOCK_VALUES; i++) {
            int half = i / 128;
            int shift = i % 128 / 32;
            int l = i % 32;
            int scaleByte = unsigned(data, at + i / 16);
            int quant = unsigned(data, at + 16 + 32 * half + l) >>> (2 * shift) & 0x03;
            out[start + i] = d * (scaleByte & 0x0F) * quant - dMin * (scaleByte >>> 4);
        }
    }

    /**
     * Q3_K: 32 bytes of high bits (hmask), 64 bytes of 2-bit quants laid out as in Q2_K, 12 bytes of packed 6-bit
     * scales (see {@link KQuantScales}), fp16 d. The high bit of value 32·j + l of half h is bit 4·h + j of hmask[l];
     * a clear bit subtracts 4, so q ∈ [−4, 3]. value = (d·scale)·q.
     */
    private static void q3K(MemorySegment data, long at, float[] out, int start) {
        float d = half(data, at + 108);
        for (int i = 0; i < SUPER_BLOCK_VALUES; i++) {
            int half = i / 128;
            int shift = i % 128 / 32;
            int l = i % 32;
            int low = unsigned(data, at + 32 + 32 * half + l) >>> (2 * shift) & 0x03;
            boolean highBit = (unsigned(data, at + l) >>> (4 * half + shift) & 1) != 0;
            int quant = low - (highBit ? 0 : 4);
            out[start + i] = d * KQuantScales.Packed.read(data, at + 96).q3Scale(i / 16) * quant;
        }
    }

    /**
     * Q4_K: fp16 d and dmin, 12 bytes of 6-bit scales and mins (eight sub-blocks of 32), 128 nibble bytes. Each
     * 64-value chunk c reads bytes 32c..32c+31: low nibbles are sub-block 2c, high nibbles sub-block 2c+1. Q5_K adds
     * 32 bytes of fifth bits after the scales: bit 2c (low nibbles) or 2c+1 (high nibbles) of byte l.
     * value = (d·scale)·q − dmin·min.
     */
    private static void q4KOrQ5K(MemorySegment data, long at, float[] out, int start, boolean hasFifthBit) {
        float d = half(data, at);
        float dMin = half(data, at + 2);
        long scalesAt = at + 4;
        long fifthBitsAt = scalesAt + KQuantScales.PACKED_BYTES;
        long nibblesAt = fifthBitsAt + (hasFifthBit ? 32 : 0);
        for (int i = 0; i < SUPER_BLOCK_VALUES; i++) {
            int subBlock = i / 32;
            int l = i % 32;
            int packed = unsigned(data, nibblesAt + 32 * (subBlock / 2) + l);
            int quant = subBlock % 2 == 0 ? packed & 0x0F : packed >>> 4;
            if (hasFifthBit) {
                quant |= (unsigned(data, fifthBitsAt + l) >>> subBlock & 1) << 4;
            }
            KQuantScales.Packed scales = KQuantScales.Packed.read(data, scalesAt);
            float scale = d * scales.scale(subBlock);
            float min = dMin * scales.min(subBlock);
            out[start + i] = scale * quant - min;
        }
    }

    /**
     * Q6_K: 128 bytes of low nibbles (ql), 64 bytes of 2-bit high parts (qh), 16 signed 8-bit scales (one per 16
     * values), fp16 d. Value 32k + l of half h (k &lt; 4, l &lt; 32) takes the low (k &lt; 2) or high (k ≥ 2) nibble of
     * ql[64h + 32·(k mod 2) + l] and bits 2k..2k+1 of qh[32h + l] as its two upper bits.
     * value = (d·scale)·(q − 32).
     */
    private static void q6K(MemorySegment data, long at, float[] out, int start) {
        float d = half(data, at + 208);
        for (int i = 0; i < SUPER_BLOCK_VALUES; i++) {
            int half = i / 128;
            int k = i % 128 / 32;
            int l = i % 32;
            int lowByte = unsigned(data, at + 64 * half + l + 32 * (k % 2));
            int low = k < 2 ? lowByte & 0x0F : lowByte >>> 4;
            int high = unsigned(data, at + 128 + 32 * half + l) >>> (2 * k) & 0x03;
            int quant = (low | high << 4) - 32;
            byte scale = data.get(ValueLayout.JAVA_BYTE, at + 192 + i / 16);
            out[start + i] = d * scale * quant;
        }
    }

    private static float half(MemorySegment data, long at) {
        return Float.float16ToFloat(data.get(LittleEndian.SHORT, at));
    }

    private static int unsigned(MemorySegment data, long at) {
        return data.get(ValueLayout.JAVA_BYTE, at) & 0xFF;
    }
}
