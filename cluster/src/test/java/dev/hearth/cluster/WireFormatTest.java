package dev.hearth.cluster;

import com.google.protobuf.ByteString;
import dev.hearth.api.ConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WireFormatTest {
    private static float[] roundTrip(WireFormat format, float... values) {
        ByteString bytes = format.encode(values, values.length);
        assertThat(bytes.size()).isEqualTo(values.length * format.bytesPerValue());
        float[] back = new float[values.length];
        format.decode(bytes, back, values.length);
        return back;
    }

    @Test
    void f32IsExactForEveryBitPatternItCarries() {
        SplittableRandom random = new SplittableRandom(13);
        float[] values = new float[4096];
        for (int i = 0; i < values.length; i++) {
            values[i] = Float.intBitsToFloat(random.nextInt());
        }
        float[] back = roundTrip(WireFormat.F32, values);
        for (int i = 0; i < values.length; i++) {
            assertThat(Float.floatToRawIntBits(back[i])).isEqualTo(Float.floatToRawIntBits(values[i]));
        }
    }

    @ParameterizedTest
    @EnumSource(value = WireFormat.class, names = {"BF16", "F16"})
    void everyNonNanHalfValueSurvivesTheRoundTrip(WireFormat format) {
        for (int bits = 0; bits < 1 << 16; bits++) {
            short half = (short) bits;
            float value = format == WireFormat.F16 ? Float.float16ToFloat(half) : WireFormat.fromBfloat16(half);
            if (Float.isNaN(value)) {
                continue;
            }
            assertThat(Float.floatToRawIntBits(roundTrip(format, value)[0])).as("half bits %04x", bits)
                    .isEqualTo(Float.floatToRawIntBits(value));
        }
    }

    @Test
    void bf16RoundsToTheNearerNeighbourAndTiesToEven() {
        // 1 + 2^-8 lies halfway between 1 and 1 + 2^-7: the even one, 1, wins; 1 + 3 * 2^-8 goes up to 1 + 2^-6
        assertThat(roundTrip(WireFormat.BF16, 1 + 0x1p-8f, 1 + 3 * 0x1p-8f, -(1 + 0x1p-8f), 1 + 0x1p-8f + 0x1p-20f))
                .containsExactly(1f, 1 + 0x1p-6f, -1f, 1 + 0x1p-7f);
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 200_000; i++) {
            float value = Float.intBitsToFloat(random.nextInt());
            if (!Float.isFinite(value) || Math.abs(value) > 0x1.fep127f) {
                continue;
            }
            int bits = Float.floatToRawIntBits(value);
            float down = Float.intBitsToFloat(bits & 0xffff0000);
            float up = Float.intBitsToFloat((bits & 0xffff0000) + 0x10000);
            float rounded = WireFormat.fromBfloat16(WireFormat.toBfloat16(value));
            double toDown = Math.abs((double) value - down);
            double toUp = Math.abs((double) up - value);
            float expected = toDown < toUp ? down : toUp < toDown ? up
                    : ((Float.floatToRawIntBits(down) >>> 16) & 1) == 0 ? down : up;
            assertThat(rounded).as("bf16 of %s", value).isEqualTo(expected);
        }
    }

    @Test
    void f16RoundsToNearestEven() {
        // 1 + 2^-11 lies halfway between 1 and 1 + 2^-10
        assertThat(roundTrip(WireFormat.F16, 1 + 0x1p-11f, 1 + 3 * 0x1p-11f, 0.1f))
                .containsExactly(1f, 1 + 0x1p-9f, Float.float16ToFloat(Float.floatToFloat16(0.1f)));
        assertThat(roundTrip(WireFormat.F16, 0.1f)[0]).isEqualTo(0.099975586f);
    }

    @ParameterizedTest
    @EnumSource(WireFormat.class)
    void nanStaysNanAndInfinitiesAndSignedZerosPass(WireFormat format) {
        float payloadInLowBits = Float.intBitsToFloat(0x7f800001); // cutting to 16 bits would make it an infinity
        float negativeNan = Float.intBitsToFloat(0xffc00000);
        float[] back = roundTrip(format, Float.NaN, negativeNan, payloadInLowBits, Float.POSITIVE_INFINITY,
                Float.NEGATIVE_INFINITY, 0f, -0f);
        assertThat(back[0]).isNaN();
        assertThat(back[1]).isNaN();
        assertThat(back[2]).isNaN();
        assertThat(back[3]).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(back[4]).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(Float.floatToRawIntBits(back[5])).isZero();
        assertThat(Float.floatToRawIntBits(back[6])).isEqualTo(0x80000000);
        if (format == WireFormat.BF16) {
            assertThat(Float.floatToRawIntBits(back[1]) >>> 31).as("the sign of a NaN").isOne();
        }
    }

    @Test
    void anActivationBeyondF16sRangeIsRefusedNotTurnedIntoAnInfinity() {
        assertThat(roundTrip(WireFormat.F16, 65504f, -65504f, 65519f)).containsExactly(65504f, -65504f, 65504f);
        assertThatThrownBy(() -> WireFormat.F16.encode(new float[]{1f, -65520f}, 2))
                .isInstanceOf(ArithmeticException.class).hasMessageContaining("-65520").hasMessageContaining("index 1")
                .hasMessageContaining("f16");
        assertThat(roundTrip(WireFormat.BF16, 65520f)).containsExactly(65536f);
        assertThatThrownBy(() -> WireFormat.BF16.encode(new float[]{Float.MAX_VALUE}, 1))
                .isInstanceOf(ArithmeticException.class);
    }

    @Test
    void subnormalsRoundInsteadOfFlushing() {
        float tinyF16 = 0x1p-24f; // the smallest f16 subnormal
        assertThat(roundTrip(WireFormat.F16, tinyF16, 0x1p-26f)).containsExactly(tinyF16, 0f);
        assertThat(roundTrip(WireFormat.BF16, Float.MIN_VALUE * 3)).containsExactly(0f);
        assertThat(roundTrip(WireFormat.BF16, 0x1p-133f)).containsExactly(0x1p-133f);
    }

    @Test
    void namesAndProtoValuesMapBothWays() {
        assertThat(WireFormat.parse("BF16")).isEqualTo(WireFormat.BF16);
        assertThat(WireFormat.parse(" f16 ")).isEqualTo(WireFormat.F16);
        assertThatThrownBy(() -> WireFormat.parse("fp8")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("f32, bf16, f16");
        for (WireFormat format : WireFormat.values()) {
            assertThat(WireFormat.fromProto(format.proto())).contains(format);
        }
        assertThat(WireFormat.fromProto(dev.hearth.cluster.proto.WireFormat.UNRECOGNIZED)).isEmpty();
        assertThat(WireFormat.F32.proto().getNumber()).as("what an older sender's block means").isZero();
    }
}
