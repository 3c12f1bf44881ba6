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
            default -> throw new UnsupportedModelException("tensor type " + type
                    + " is not supported by the local engine yet; supported: " + MatrixArguments.SUPPORTED_TYPES);
        }
        return values;
    }
}
