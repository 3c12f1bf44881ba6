package dev.hearth.cluster;

import com.google.protobuf.ByteString;
import dev.hearth.api.ConfigurationException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import java.util.Arrays;
import java.util.Locale;

/**
 * How hidden states cross a stage hop. {@link #F32} (the default) sends the float32 values as they are, so a split model
 * computes bit for bit what one process computes; {@link #BF16} and {@link #F16} send two bytes per value, halving the
 * bytes per hop, and round every activation at every hop boundary, so the logits move slightly (measured in
 * docs/CLUSTER.md). Both round to nearest, ties to even. Logits always travel as float32: they drive sampling.
 */
public enum WireFormat {
    /** IEEE 754 binary32, exact. */
    F32(Float.BYTES, dev.hearth.cluster.proto.WireFormat.WIRE_FORMAT_F32),
    /** bfloat16: float32's sign, 8-bit exponent and top 7 mantissa bits; float32's range, ~3 significant digits. */
    BF16(2, dev.hearth.cluster.proto.WireFormat.WIRE_FORMAT_BF16),
    /** IEEE 754 binary16: 10 mantissa bits, but finite only up to 65,504; a larger activation is refused, not sent. */
    F16(2, dev.hearth.cluster.proto.WireFormat.WIRE_FORMAT_F16);

    private static final int F16_MAGNITUDE = 0x7fff;
    private static final int F16_INFINITY = 0x7c00;
    private static final int BF16_INFINITY = 0x7f80;

    private final int bytesPerValue;
    private final dev.hearth.cluster.proto.WireFormat proto;

    WireFormat(int bytesPerValue, dev.hearth.cluster.proto.WireFormat proto) {
        this.bytesPerValue = bytesPerValue;
        this.proto = proto;
    }

    public int bytesPerValue() {
        return bytesPerValue;
    }

    /** The name on the command line: {@code f32}, {@code bf16}, {@code f16}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code f32}, {@code bf16} or {@code f16} (any case). */
    public static WireFormat parse(String text) {
        for (WireFormat format : values()) {
            if (format.label().equalsIgnoreCase(text == null ? "" : text.trim())) {
                return format;
            }
        }
        throw new ConfigurationException("wire format must be one of f32, bf16, f16; was '" + text + "'");
    }

    dev.hearth.cluster.proto.WireFormat proto() {
        return proto;
    }

    /** The format a message names; empty for a value this build does not know (a newer sender). */
    static java.util.Optional<WireFormat> fromProto(dev.hearth.cluster.proto.WireFormat proto) {
        return Arrays.stream(values()).filter(f -> f.proto == proto).findFirst();
    }

    /**
     * The first {@code count} values as little-endian bytes of this format.
     *
     * @throws ArithmeticException when a finite value would become infinite (above f16's 65,504), which would turn
     *                             every later activation and logit into NaN or infinity without a word
     */
    ByteString encode(float[] values, int count) {
        if (this == F32) {
            ByteBuffer bytes = ByteBuffer.allocate(count * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            bytes.asFloatBuffer().put(values, 0, count);
            return ByteString.copyFrom(bytes.array());
        }
        ByteBuffer bytes = ByteBuffer.allocate(count * 2).order(ByteOrder.LITTLE_ENDIAN);
        ShortBuffer shorts = bytes.asShortBuffer();
        for (int i = 0; i < count; i++) {
            float value = values[i];
            short half = this == F16 ? Float.floatToFloat16(value) : toBfloat16(value);
            int infinity = this == F16 ? F16_INFINITY : BF16_INFINITY;
            if ((half & F16_MAGNITUDE) == infinity && Float.isFinite(value)) {
                throw new ArithmeticException("activation " + value + " at index " + i + " is beyond " + label()
                        + "'s range; use --wire-format bf16 or f32 for this model");
            }
            shorts.put(i, half);
        }
        return ByteString.copyFrom(bytes.array());
    }

    /** Decodes {@code count} values; the caller has checked that {@code data} holds exactly that many. */
    void decode(ByteString data, float[] into, int count) {
        ByteBuffer bytes = data.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        if (this == F32) {
            bytes.asFloatBuffer().get(into, 0, count);
            return;
        }
        ShortBuffer shorts = bytes.asShortBuffer();
        for (int i = 0; i < count; i++) {
            short half = shorts.get(i);
            into[i] = this == F16 ? Float.float16ToFloat(half) : fromBfloat16(half);
        }
    }

    /**
     * Rounds a float32 to bfloat16, to nearest with ties to even: add half of the dropped part's unit (less one when
     * the kept part is even) and cut. A NaN keeps its sign and becomes a quiet NaN; cutting could otherwise leave
     * an all-zero mantissa, an infinity.
     */
    static short toBfloat16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) {
            return (short) ((bits >>> 16) | 0x0040);
        }
        int rounded = bits + 0x7fff + ((bits >>> 16) & 1);
        return (short) (rounded >>> 16);
    }

    static float fromBfloat16(short half) {
        return Float.intBitsToFloat((half & 0xffff) << 16);
    }
}
