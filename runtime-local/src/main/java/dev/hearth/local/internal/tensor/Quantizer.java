package dev.hearth.local.internal.tensor;

import dev.hearth.local.internal.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * Encodes floats in a GGUF tensor type: the plain types F32, F16 and BF16 (round to nearest even), ggml's reference
 * quantisers for Q8_0, Q4_0, Q4_1, Q5_0 and Q5_1 (byte-identical to llama-quantize without an importance matrix),
 * and simpler-than-ggml Q4_K and Q6_K quantisers (see {@link Q4_KQuantizer} and {@link Q6_KQuantizer} for how they
 * differ) for Q4_K_M-style mixed models. Used to write synthetic models; {@link ScalarReference} decodes the result.
 */
public final class Quantizer {
    /** The types {@link #quantize} accepts, in the order its error message lists them. */
    static final String SUPPORTED_TYPES = "F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q4_K, Q6_K";

    private Quantizer() {}

    /** Whether {@link #quantize} can encode {@code type}. */
    public static boolean supports(GgmlType type) {
        return switch (type) {
            case F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q4_K, Q6_K -> true;
            default -> false;
        };
    }

    /** {@code values} encoded as {@code type}; see {@link #quantize(GgmlType, float[], int, int, MemorySegment)}. */
    public static byte[] quantize(GgmlType type, float[] values) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(values, "values");
        long bytes = type.bytesFor(values.length);
        if (bytes < 0) {
            throw new IllegalArgumentException(values.length + " values are not a whole number of " + type
                    + " blocks of " + type.blockSize());
        }
        byte[] encoded = new byte[Math.toIntExact(bytes)];
        quantize(type, values, 0, values.length, MemorySegment.ofArray(encoded));
        return encoded;
    }

    /**
     * Encodes {@code values[from .. from+count)} as {@code type} into the start of {@code out} (for example a slice of
     * a file being written), little-endian.
     *
     * @throws IllegalArgumentException when {@code type} has no encoder here, {@code count} is not a whole number of
     *     blocks, {@code out} is smaller than the encoding, a value is NaN or infinite, or a block scale overflows fp16
     */
    public static void quantize(GgmlType type, float[] values, int from, int count, MemorySegment out) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(values, "values");
        Objects.requireNonNull(out, "out");
        Objects.checkFromIndexSize(from, count, values.length);
        if (!supports(type)) {
            throw new IllegalArgumentException("no quantiser for tensor type " + type + "; supported: "
                    + SUPPORTED_TYPES);
        }
        long bytes = type.bytesFor(count);
        if (bytes < 0) {
            throw new IllegalArgumentException(count + " values are not a whole number of " + type + " blocks of "
                    + type.blockSize());
        }
        if (out.byteSize() < bytes) {
            throw new IllegalArgumentException(count + " " + type + " values need " + bytes
                    + " bytes but the output holds " + out.byteSize());
        }
        QuantRounding.requireFinite(values, from, count);
        switch (type) {
            case F32 -> {
                for (int i = 0; i < count; i++) {
                    out.set(LittleEndian.FLOAT, (long) i * Float.BYTES, values[from + i]);
                }
            }
            case F16 -> {
                for (int i = 0; i < count; i++) {
                    out.set(LittleEndian.SHORT, (long) i * Short.BYTES, Float.floatToFloat16(values[from + i]));
                }
            }
            case BF16 -> {
                for (int i = 0; i < count; i++) {
                    out.set(LittleEndian.SHORT, (long) i * Short.BYTES, toBf16(values[from + i]));
                }
            }
            default -> {
                BlockQuantizer quantizer = blockQuantizer(type);
                for (int block = 0; block < count / type.blockSize(); block++) {
                    quantizer.quantizeBlock(values, from + block * type.blockSize(), out,
                            (long) block * type.blockBytes());
                }
            }
        }
    }

    private static BlockQuantizer blockQuantizer(GgmlType type) {
        return switch (type) {
            case Q8_0 -> Q8_0Quantizer.INSTANCE;
            case Q4_0 -> LegacyQuantizer.Q4_0;
            case Q4_1 -> LegacyQuantizer.Q4_1;
            case Q5_0 -> LegacyQuantizer.Q5_0;
            case Q5_1 -> LegacyQuantizer.Q5_1;
            case Q4_K -> Q4_KQuantizer.INSTANCE;
            case Q6_K -> Q6_KQuantizer.INSTANCE;
            default -> throw new AssertionError("checked by supports(): " + type);
        };
    }

    /** The upper 16 bits of the float, rounded to nearest even (finite input, so no NaN case), as ggml does. */
    private static short toBf16(float value) {
        int bits = Float.floatToRawIntBits(value);
        int rounded = bits + (0x7FFF + (bits >>> 16 & 1));
        return (short) (rounded >>> 16);
    }
}
