package dev.hearth.local.internal.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.local.internal.gguf.GgmlType;
import dev.hearth.local.internal.gguf.GgufFile;
import dev.hearth.local.internal.gguf.GgufTensorInfo;
import dev.hearth.local.testing.SharedModels;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Our quantisers: byte-identical to llama-quantize where we use ggml's reference algorithm (checked on the parity
 * models, which llama-quantize made from llama-F32.gguf), within a stated worst-case error bound on random data, and
 * exact for values already on a format's grid.
 */
class QuantizerTest {
    /** fp16 keeps 11 significant bits: a normal stored scale is within this relative distance of its float. */
    private static final double HALF_ROUNDING = 0x1.0p-11;
    /** Below 2^-14 fp16 is subnormal, with a fixed spacing of 2^-24: half of it is the absolute rounding error. */
    private static final double HALF_SUBNORMAL_ROUNDING = 0x1.0p-25;
    /** Slack for float arithmetic in the quantiser and the decoder. */
    private static final double FLOAT_SLACK = 1e-6;

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1"})
    void referenceFormatsMatchLlamaQuantizeByteForByte(GgmlType type) {
        try (GgufFile source = GgufFile.open(SharedModels.file("parity/models/llama-F32.gguf"));
                GgufFile quantized = GgufFile.open(SharedModels.file("parity/models/llama-" + type + ".gguf"))) {
            int compared = 0;
            for (GgufTensorInfo tensor : source.tensors()) {
                if (tensor.rank() != 2) {
                    continue; // norms and rope_freqs stay F32
                }
                GgufTensorInfo expected = quantized.tensor(tensor.name()).orElseThrow();
                assertThat(expected.type()).isEqualTo(type);
                float[] values = ScalarReference.dequantize(GgmlType.F32, source.data(tensor), tensor.elementCount());
                byte[] ours = Quantizer.quantize(type, values);
                byte[] theirs = quantized.data(expected).toArray(ValueLayout.JAVA_BYTE);
                assertThat(ours).as("%s %s", type, tensor.name()).isEqualTo(theirs);
                compared++;
            }
            assertThat(compared).isEqualTo(16);
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q4_K", "Q6_K"})
    void kQuantErrorOnRealWeightsIsCloseToLlamaQuantizes(GgmlType type) {
        // Our scale search is simpler than ggml's (see Q4_KQuantizer, Q6_KQuantizer); this pins down how much worse
        // it may be on the parity model's weights: at most 15 % more RMS error than llama-quantize's output
        // (measured: Q4_K 9.7 %, Q6_K 6.0 %).
        try (GgufFile source = GgufFile.open(SharedModels.file("parity/models/llama-F32.gguf"));
                GgufFile quantized = GgufFile.open(SharedModels.file("parity/models/llama-" + type + ".gguf"))) {
            double ourSquaredError = 0;
            double theirSquaredError = 0;
            for (GgufTensorInfo tensor : source.tensors()) {
                if (tensor.rank() != 2) {
                    continue;
                }
                float[] values = ScalarReference.dequantize(GgmlType.F32, source.data(tensor), tensor.elementCount());
                float[] ours = ScalarReference.dequantize(
                        type, MemorySegment.ofArray(Quantizer.quantize(type, values)), values.length);
                GgufTensorInfo theirTensor = quantized.tensor(tensor.name()).orElseThrow();
                float[] theirs = ScalarReference.dequantize(type, quantized.data(theirTensor), values.length);
                for (int i = 0; i < values.length; i++) {
                    ourSquaredError += square(ours[i] - values[i]);
                    theirSquaredError += square(theirs[i] - values[i]);
                }
            }
            assertThat(Math.sqrt(ourSquaredError / theirSquaredError)).isLessThanOrEqualTo(1.15);
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q4_K", "Q6_K"})
    void roundTripErrorStaysWithinTheFormatsWorstCaseBound(GgmlType type) {
        Random random = new Random(7);
        for (double magnitude : new double[] {1e-3, 1, 300}) {
            float[] values = new float[type.blockSize() * 16];
            for (int i = 0; i < values.length; i++) {
                // Gaussian with an occasional outlier and offset blocks, so the min/max formats see skewed ranges.
                double gaussian = random.nextGaussian() + (i / type.blockSize() % 3 == 2 ? 2.5 : 0);
                values[i] = (float) (magnitude * (i % 97 == 0 ? 8 * gaussian : gaussian));
            }
            float[] decoded = ScalarReference.dequantize(
                    type, MemorySegment.ofArray(Quantizer.quantize(type, values)), values.length);
            double[] bounds = worstCaseErrors(type, values);
            for (int i = 0; i < values.length; i++) {
                assertThat(Math.abs((double) decoded[i] - values[i]))
                        .as("%s value %d (%s) at magnitude %s", type, i, values[i], magnitude)
                        .isLessThanOrEqualTo(bounds[i]);
            }
        }
    }

    /**
     * The bound per value, from the input alone. With d the unrounded step a block's scale search picks:
     * <ul>
     *   <li>Q8_0: rounding to the nearest level, d/2, plus the fp16 rounding of d times the largest level (127).</li>
     *   <li>Q4_0, Q5_0: a whole step d (the value of largest magnitude sits on the lowest level, −8 or −16, so its
     *       mirror image clamps one step short at the top), plus fp16 rounding of d times the top level.</li>
     *   <li>Q4_1, Q5_1: d/2, plus fp16 rounding of d times the top level and of the min.</li>
     *   <li>Q4_K: per 32-value sub-block with step s, s/2 + 8·D + Dm where D = max s / 63 and Dm = max min / 63:
     *       the 6-bit scale can be off by D/2, which 15 levels multiply, and the 6-bit min by Dm/2.</li>
     *   <li>Q6_K: per 16-value sub-block with step s, |s| + 33·D where D = max|s| / 128: one step at the clamped top,
     *       plus the 8-bit scale's rounding (up to D) times the 32 levels.</li>
     * </ul>
     */
    private static double[] worstCaseErrors(GgmlType type, float[] values) {
        double[] bounds = new double[values.length];
        int blockSize = type.blockSize();
        for (int block = 0; block < values.length / blockSize; block++) {
            int start = block * blockSize;
            float[] blockValues = Arrays.copyOfRange(values, start, start + blockSize);
            double[] blockBounds = switch (type) {
                case Q8_0 -> uniform(maxMagnitude(blockValues) / 127, 0.5, 127, 0);
                case Q4_0 -> uniform(maxMagnitude(blockValues) / 8, 1, 8, 0);
                case Q5_0 -> uniform(maxMagnitude(blockValues) / 16, 1, 16, 0);
                case Q4_1 -> uniform(range(blockValues) / 15, 0.5, 15, min(blockValues));
                case Q5_1 -> uniform(range(blockValues) / 31, 0.5, 31, min(blockValues));
                case Q4_K -> q4KBounds(blockValues);
                case Q6_K -> q6KBounds(blockValues);
                default -> throw new IllegalArgumentException(type.toString());
            };
            for (int j = 0; j < blockSize; j++) {
                bounds[start + j] = blockBounds[j] * (1 + FLOAT_SLACK) + Float.MIN_NORMAL;
            }
        }
        return bounds;
    }

    private static double[] uniform(double step, double steps, int topLevel, double min) {
        double bound = step * steps + halfError(step) * topLevel + halfError(min);
        double[] bounds = new double[32];
        Arrays.fill(bounds, bound);
        return bounds;
    }

    private static double[] q4KBounds(float[] block) {
        double[] steps = new double[8];
        double maxStep = 0;
        double maxMin = 0;
        for (int subBlock = 0; subBlock < 8; subBlock++) {
            float[] values = Arrays.copyOfRange(block, subBlock * 32, subBlock * 32 + 32);
            double low = Math.min(0, min(values));
            steps[subBlock] = (max(values) - low) / 15;
            maxStep = Math.max(maxStep, steps[subBlock]);
            maxMin = Math.max(maxMin, -low);
        }
        double d = maxStep / 63 * (1 + HALF_ROUNDING);
        double dMin = maxMin / 63 * (1 + HALF_ROUNDING);
        double[] bounds = new double[256];
        for (int i = 0; i < 256; i++) {
            // Plus the fp16 rounding of the super-scales, multiplied by the 6-bit scale (63) and, for d, 15 levels.
            bounds[i] = steps[i / 32] / 2 + 8 * d + dMin + 63 * (15 * halfError(d) + halfError(dMin));
        }
        return bounds;
    }

    private static double[] q6KBounds(float[] block) {
        double[] steps = new double[16];
        double maxStep = 0;
        for (int subBlock = 0; subBlock < 16; subBlock++) {
            steps[subBlock] = maxMagnitude(Arrays.copyOfRange(block, subBlock * 16, subBlock * 16 + 16)) / 32;
            maxStep = Math.max(maxStep, steps[subBlock]);
        }
        double d = maxStep / 128 * (1 + HALF_ROUNDING);
        double[] bounds = new double[256];
        for (int i = 0; i < 256; i++) {
            // Plus the fp16 rounding of d, multiplied by the 8-bit scale (128) and 32 levels.
            bounds[i] = steps[i / 16] + 33 * d + 128 * 32 * halfError(d);
        }
        return bounds;
    }

    @Test
    void valuesOnTheQ8_0GridRoundTripExactly() {
        float[] values = new float[64];
        Random random = new Random(1);
        for (int i = 0; i < values.length; i++) {
            int level = i % 32 == 0 ? -127 : random.nextInt(255) - 127;
            values[i] = level * (i < 32 ? 0.0625f : 0.375f);
        }
        assertExactRoundTrip(GgmlType.Q8_0, values);
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q4_0", "Q5_0"})
    void valuesOnTheSymmetricGridRoundTripExactly(GgmlType type) {
        int lowest = type == GgmlType.Q4_0 ? -8 : -16;
        float[] values = new float[64];
        Random random = new Random(2);
        for (int i = 0; i < values.length; i++) {
            int level = i % 32 == 5 ? lowest : lowest + random.nextInt(-2 * lowest);
            values[i] = level * (i < 32 ? 0.25f : -0.375f);
        }
        assertExactRoundTrip(type, values);
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q4_1", "Q5_1"})
    void valuesOnTheGridWithAMinRoundTripExactly(GgmlType type) {
        int top = type == GgmlType.Q4_1 ? 15 : 31;
        float[] values = new float[64];
        Random random = new Random(3);
        for (int i = 0; i < values.length; i++) {
            int level = switch (i % 32) {
                case 3 -> 0;
                case 9 -> top;
                default -> random.nextInt(top + 1);
            };
            values[i] = i < 32 ? -1.25f + level * 0.125f : 3f + level * 0.5f;
        }
        assertExactRoundTrip(type, values);
    }

    @Test
    void valuesOnTheQ4_KGridRoundTripExactly() {
        float d = 0x1.0p-6f;
        float dMin = 0x1.0p-5f;
        Random random = new Random(4);
        float[] values = new float[512];
        for (int subBlock = 0; subBlock < 16; subBlock++) {
            int scale = subBlock % 8 == 3 ? 63 : 1 + random.nextInt(63);
            int min = subBlock % 8 == 6 ? 63 : random.nextInt(64);
            for (int j = 0; j < 32; j++) {
                int level = switch (j) {
                    case 0 -> 0;
                    case 1 -> 15;
                    default -> random.nextInt(16);
                };
                values[subBlock * 32 + j] = d * scale * level - dMin * min;
            }
        }
        assertExactRoundTrip(GgmlType.Q4_K, values);
    }

    @Test
    void valuesOnTheQ6_KGridRoundTripExactly() {
        float d = 0x1.0p-10f;
        Random random = new Random(5);
        float[] values = new float[512];
        for (int subBlock = 0; subBlock < 32; subBlock++) {
            int scale = subBlock % 16 == 7 ? -128 : (random.nextBoolean() ? 1 : -1) * (1 + random.nextInt(127));
            for (int j = 0; j < 16; j++) {
                int level = j == 4 ? -32 : random.nextInt(64) - 32;
                values[subBlock * 16 + j] = d * scale * level;
            }
        }
        assertExactRoundTrip(GgmlType.Q6_K, values);
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q4_K", "Q6_K"})
    void zeroBlocksDecodeToZeroAndALoneSpikeStaysWithinTheBound(GgmlType type) {
        // Zeros make every scale zero (no division by one may leak a NaN); a lone spike makes every other sub-block
        // scale of its K-quant block round to zero.
        float[] values = new float[512];
        float[] zeros = ScalarReference.dequantize(
                type, MemorySegment.ofArray(Quantizer.quantize(type, values)), values.length);
        // Numerically zero; the symmetric formats store d = 0/−8 = −0 exactly as ggml does, so signed zeros appear.
        for (float zero : zeros) {
            assertThat((double) zero).isEqualTo(0.0);
        }
        values[300] = -7.25f;
        float[] decoded = ScalarReference.dequantize(
                type, MemorySegment.ofArray(Quantizer.quantize(type, values)), values.length);
        double[] bounds = worstCaseErrors(type, values);
        for (int i = 0; i < values.length; i++) {
            assertThat(Math.abs((double) decoded[i] - values[i])).as("%s value %d", type, i)
                    .isLessThanOrEqualTo(bounds[i]);
        }
    }

    @Test
    void plainTypesRoundTripAndBf16RoundsToNearestEven() {
        float[] values = {1.5f, -0.1f, 65504f, 0x1.0p-24f, Float.intBitsToFloat(0x3F808000),
            Float.intBitsToFloat(0x3F818000), Float.intBitsToFloat(0x3F808001)};
        assertThat(ScalarReference.dequantize(GgmlType.F32, MemorySegment.ofArray(
                Quantizer.quantize(GgmlType.F32, values)), values.length)).containsExactly(values);
        float[] halves = ScalarReference.dequantize(
                GgmlType.F16, MemorySegment.ofArray(Quantizer.quantize(GgmlType.F16, values)), values.length);
        for (int i = 0; i < values.length; i++) {
            assertThat(halves[i]).isEqualTo(Float.float16ToFloat(Float.floatToFloat16(values[i])));
        }
        float[] bf16 = ScalarReference.dequantize(
                GgmlType.BF16, MemorySegment.ofArray(Quantizer.quantize(GgmlType.BF16, values)), values.length);
        assertThat(bf16[0]).isEqualTo(1.5f);
        assertThat(Float.floatToRawIntBits(bf16[4])).isEqualTo(0x3F800000); // tie, even neighbour below
        assertThat(Float.floatToRawIntBits(bf16[5])).isEqualTo(0x3F820000); // tie, even neighbour above
        assertThat(Float.floatToRawIntBits(bf16[6])).isEqualTo(0x3F810000); // just past the tie
    }

    @Test
    void rejectsNonFiniteValuesNamingTheIndex() {
        float[] values = new float[32];
        values[17] = Float.NaN;
        assertThatThrownBy(() -> Quantizer.quantize(GgmlType.Q8_0, values))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NaN")
                .hasMessageContaining("17");
        values[17] = Float.NEGATIVE_INFINITY;
        assertThatThrownBy(() -> Quantizer.quantize(GgmlType.F16, values))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Infinity");
    }

    @Test
    void rejectsValuesWhoseScaleOverflowsFp16() {
        float[] values = new float[32];
        values[0] = 1e8f;
        assertThatThrownBy(() -> Quantizer.quantize(GgmlType.Q4_0, values))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fp16");
    }

    @Test
    void rejectsPartialBlocksUnsupportedTypesAndShortOutputs() {
        assertThatThrownBy(() -> Quantizer.quantize(GgmlType.Q4_K, new float[255]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("255")
                .hasMessageContaining("256");
        assertThatThrownBy(() -> Quantizer.quantize(GgmlType.Q3_K, new float[256]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Q3_K")
                .hasMessageContaining("Q4_K, Q6_K");
        assertThatThrownBy(() -> Quantizer.quantize(
                        GgmlType.Q8_0, new float[64], 0, 64, MemorySegment.ofArray(new byte[67])))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("68")
                .hasMessageContaining("67");
        assertThatThrownBy(() -> Quantizer.quantize(
                        GgmlType.Q8_0, new float[64], 40, 32, MemorySegment.ofArray(new byte[68])))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void quantisesASliceIntoASegmentAtTheStart() {
        float[] values = new float[96];
        Random random = new Random(6);
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        byte[] whole = Quantizer.quantize(GgmlType.Q5_1, Arrays.copyOfRange(values, 32, 96));
        byte[] slice = new byte[whole.length];
        Quantizer.quantize(GgmlType.Q5_1, values, 32, 64, MemorySegment.ofArray(slice));
        assertThat(slice).isEqualTo(whole);
    }

    private static void assertExactRoundTrip(GgmlType type, float[] values) {
        float[] decoded = ScalarReference.dequantize(
                type, MemorySegment.ofArray(Quantizer.quantize(type, values)), values.length);
        for (int i = 0; i < values.length; i++) {
            assertThat((double) decoded[i]).as("%s value %d", type, i).isEqualTo((double) values[i]);
        }
    }

    /** How far fp16 rounding can move {@code value}. */
    private static double halfError(double value) {
        return Math.max(Math.abs(value) * HALF_ROUNDING, HALF_SUBNORMAL_ROUNDING);
    }

    private static double maxMagnitude(float[] values) {
        double max = 0;
        for (float value : values) {
            max = Math.max(max, Math.abs(value));
        }
        return max;
    }

    private static double min(float[] values) {
        double min = Double.MAX_VALUE;
        for (float value : values) {
            min = Math.min(min, value);
        }
        return min;
    }

    private static double max(float[] values) {
        double max = -Double.MAX_VALUE;
        for (float value : values) {
            max = Math.max(max, value);
        }
        return max;
    }

    private static double range(float[] values) {
        return max(values) - min(values);
    }

    private static double square(double value) {
        return value * value;
    }
}
