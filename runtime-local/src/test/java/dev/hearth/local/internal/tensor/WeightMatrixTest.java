package dev.hearth.local.internal.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.api.UnsupportedModelException;
import dev.hearth.local.internal.gguf.GgmlType;
import dev.hearth.local.internal.tensor.TestMatrices.Placement;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kernel against {@link ScalarReference}, for every supported format, aligned and at an odd byte offset.
 *
 * <p>Dot products are compared with the reference computed in double. The tolerance is relative to
 * {@code Σ|w_j·x_j|} rather than to the result, because cancellation can make the exact result arbitrarily small
 * while float accumulation error scales with the magnitudes summed: a float sum over a few hundred terms per
 * accumulator stays well within 2e-5 of that (float epsilon is 6e-8).
 */
class WeightMatrixTest {
    private static final double RELATIVE_TOLERANCE = 2e-5;

    private static final List<GgmlType> SUPPORTED = List.of(GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0,
            GgmlType.Q4_0, GgmlType.Q4_1, GgmlType.Q5_0, GgmlType.Q5_1, GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K,
            GgmlType.Q5_K, GgmlType.Q6_K);

    /**
     * Shapes per format: quantised cols are whole blocks; plain formats also get cols that leave a scalar tail.
     * K-quant rows are whole 256-value super-blocks, from one up to a Llama-sized 4096.
     */
    private static List<int[]> shapesFor(GgmlType type) {
        if (type.blockSize() == 256) {
            return List.of(new int[] {1, 256}, new int[] {3, 512}, new int[] {5, 768}, new int[] {2, 4096});
        }
        List<int[]> shapes = new ArrayList<>(List.of(
                new int[] {1, 32}, new int[] {3, 64}, new int[] {5, 96}, new int[] {4, 1024}, new int[] {2, 4096}));
        if (type.blockSize() == 1) {
            shapes.addAll(List.of(new int[] {3, 1}, new int[] {3, 15}, new int[] {3, 17}, new int[] {2, 100},
                    new int[] {2, 1000}));
        }
        return shapes;
    }

    static Stream<Arguments> formatsAndPlacements() {
        return SUPPORTED.stream().flatMap(type -> Arrays.stream(Placement.values()).map(p -> Arguments.of(type, p)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("formatsAndPlacements")
    void dotMatchesScalarReference(GgmlType type, Placement placement) {
        try (Arena arena = Arena.ofConfined()) {
            long seed = 1;
            for (int[] shape : shapesFor(type)) {
                int rows = shape[0];
                int cols = shape[1];
                MemorySegment data = TestMatrices.build(arena, type, rows, cols, placement, seed++);
                WeightMatrix matrix = WeightMatrix.of(type, data, rows, cols);
                float[] reference = ScalarReference.dequantize(type, data, (long) rows * cols);
                // x longer than cols and read at an offset, to prove xOffset is honoured.
                int xOffset = 3;
                float[] x = TestMatrices.randomVector(cols + xOffset + 5, seed++);
                for (int row = 0; row < rows; row++) {
                    assertDotClose(type, rows, cols, row, matrix.dot(row, x, xOffset), reference, x, xOffset);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("formatsAndPlacements")
    void matVecMatchesScalarReferenceAndTouchesOnlyTheRequestedRows(GgmlType type, Placement placement) {
        try (Arena arena = Arena.ofConfined()) {
            long seed = 100;
            for (int[] shape : shapesFor(type)) {
                int rows = shape[0] + 4; // at least 5 rows, so a range can leave rows out on both sides
                int cols = shape[1];
                MemorySegment data = TestMatrices.build(arena, type, rows, cols, placement, seed++);
                WeightMatrix matrix = WeightMatrix.of(type, data, rows, cols);
                float[] reference = ScalarReference.dequantize(type, data, (long) rows * cols);
                float[] x = TestMatrices.randomVector(cols, seed++);
                float[] out = new float[rows];
                Arrays.fill(out, Float.NaN);
                int rowStart = 1;
                int rowEnd = rows - 2;
                matrix.matVec(x, out, rowStart, rowEnd);
                for (int row = 0; row < rows; row++) {
                    if (row < rowStart || row >= rowEnd) {
                        assertThat(out[row]).as("row %d outside [%d, %d)", row, rowStart, rowEnd).isNaN();
                    } else {
                        // Not compared with dot() for equality: the lane reduction order of the Vector API is
                        // unspecified and differs between interpreted and JIT-compiled code, so the last bit may too.
                        assertDotClose(type, rows, cols, row, out[row], reference, x, 0);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("formatsAndPlacements")
    void matMulMatchesScalarReferenceForEveryTokenAndTouchesOnlyTheRequestedRows(GgmlType type, Placement placement) {
        try (Arena arena = Arena.ofConfined()) {
            long seed = 400;
            for (int[] shape : shapesFor(type)) {
                int rows = shape[0] + 4;
                int cols = shape[1];
                MemorySegment data = TestMatrices.build(arena, type, rows, cols, placement, seed++);
                WeightMatrix matrix = WeightMatrix.of(type, data, rows, cols);
                float[] reference = ScalarReference.dequantize(type, data, (long) rows * cols);
                // 1, 2 and 5 tokens: the single-token path, a pair, and pairs with a leftover token
                for (int batchSize : new int[] {1, 2, 5}) {
                    float[] inputs = TestMatrices.randomVector(batchSize * cols, seed++);
                    float[] out = new float[batchSize * rows];
                    Arrays.fill(out, Float.NaN);
                    int rowStart = 1;
                    int rowEnd = rows - 2;
                    matrix.matMul(inputs, batchSize, out, rowStart, rowEnd);
                    for (int token = 0; token < batchSize; token++) {
                        float[] x = Arrays.copyOfRange(inputs, token * cols, (token + 1) * cols);
                        for (int row = 0; row < rows; row++) {
                            float value = out[token * rows + row];
                            if (row < rowStart || row >= rowEnd) {
                                assertThat(value).as("token %d row %d outside the range", token, row).isNaN();
                            } else {
                                assertDotClose(type, rows, cols, row, value, reference, x, 0);
                            }
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("supportedTypes")
    void decodeAndBatchedPrefillGiveBitIdenticalDotProducts(GgmlType type) {
        // Decode (matVec: rows in groups of four, then one at a time), batched prefill (matMul: one row with a pair of
        // tokens, then a leftover token) and dot must produce the same float for the same row and input, or a prompt
        // processed in a batch would continue differently from the same prompt fed token by token. Nine rows over
        // [1, 8): a group of four plus three single rows; three tokens: a pair plus a leftover. Run enough times for
        // C2 to compile the kernels, whose results must not differ from the interpreter's either.
        int rows = 9;
        int cols = type.blockSize() == 256 ? 512 : 128;
        int rowStart = 1;
        int rowEnd = 8;
        int tokens = 3;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = TestMatrices.build(arena, type, rows, cols, Placement.ODD_BYTE_OFFSET, 500);
            WeightMatrix matrix = WeightMatrix.of(type, data, rows, cols);
            float[] inputs = TestMatrices.randomVector(tokens * cols, 501);
            float[] batched = new float[tokens * rows];
            float[] decoded = new float[rows];
            for (int repetition = 0; repetition < 300; repetition++) {
                matrix.matMul(inputs, tokens, batched, rowStart, rowEnd);
                for (int token = 0; token < tokens; token++) {
                    float[] x = Arrays.copyOfRange(inputs, token * cols, (token + 1) * cols);
                    matrix.matVec(x, decoded, rowStart, rowEnd);
                    for (int row = rowStart; row < rowEnd; row++) {
                        float dot = matrix.dot(row, inputs, token * cols);
                        if (Float.floatToRawIntBits(decoded[row]) != Float.floatToRawIntBits(dot)
                                || Float.floatToRawIntBits(batched[token * rows + row])
                                        != Float.floatToRawIntBits(dot)) {
                            assertThat(new float[] {decoded[row], batched[token * rows + row]})
                                    .as("%s token %d row %d, repetition %d: matVec and matMul vs dot %s", type,
                                            token, row, repetition, dot)
                                    .containsExactly(dot, dot);
                        }
                    }
                }
            }
        }
    }

    @Test
    void matMulRejectsShortInputsAndOutputs() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = TestMatrices.build(arena, GgmlType.Q8_0, 4, 64, Placement.ALIGNED, 7);
            WeightMatrix matrix = WeightMatrix.of(GgmlType.Q8_0, data, 4, 64);
            assertThatThrownBy(() -> matrix.matMul(new float[2 * 64 - 1], 2, new float[8], 0, 4))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("inputs have 127 entries");
            assertThatThrownBy(() -> matrix.matMul(new float[2 * 64], 2, new float[7], 0, 4))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("out has 7 entries");
            assertThatThrownBy(() -> matrix.matMul(new float[64], -1, new float[4], 0, 4))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batchSize");
            assertThatThrownBy(() -> matrix.matMul(new float[64], 1, new float[8], 0, 5))
                    .isInstanceOf(IndexOutOfBoundsException.class);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("formatsAndPlacements")
    void dequantizeRowMatchesScalarReferenceExactly(GgmlType type, Placement placement) {
        // The kernels form each value with the same float operations in the same order as the reference (d·scale
        // first, then ·q, then the min), so they must agree with it bit for bit, signed zeros included.
        try (Arena arena = Arena.ofConfined()) {
            long seed = 200;
            for (int[] shape : shapesFor(type)) {
                int rows = shape[0];
                int cols = shape[1];
                MemorySegment data = TestMatrices.build(arena, type, rows, cols, placement, seed++);
                WeightMatrix matrix = WeightMatrix.of(type, data, rows, cols);
                float[] reference = ScalarReference.dequantize(type, data, (long) rows * cols);
                int offset = 2;
                for (int row = 0; row < rows; row++) {
                    float[] out = new float[cols + offset + 1];
                    Arrays.fill(out, Float.NaN);
                    matrix.dequantizeRow(row, out, offset);
                    assertThat(Arrays.copyOfRange(out, offset, offset + cols))
                            .as("%s row %d of %d×%d", type, row, rows, cols)
                            .containsExactly(Arrays.copyOfRange(reference, row * cols, (row + 1) * cols));
                    assertThat(out[0]).isNaN();
                    assertThat(out[1]).isNaN();
                    assertThat(out[offset + cols]).isNaN();
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("supportedTypes")
    void matVecStillMatchesScalarReferenceOnceJitCompiled(GgmlType type) {
        // The other tests run the kernels mostly interpreted, where the Vector API executes its Java fallback.
        // Repeating matVec a few hundred times gets the row loop compiled by C2 onto the real vector intrinsics,
        // which must give the same answers (up to summation order, hence the tolerance rather than equality).
        int rows = 32;
        int cols = type.blockSize() == 256 ? 512 : 128;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = TestMatrices.build(arena, type, rows, cols, Placement.ODD_BYTE_OFFSET, 300);
            WeightMatrix matrix = WeightMatrix.of(type, data, rows, cols);
            float[] reference = ScalarReference.dequantize(type, data, (long) rows * cols);
            float[] x = TestMatrices.randomVector(cols, 301);
            float[] out = new float[rows];
            for (int repetition = 0; repetition < 600; repetition++) {
                matrix.matVec(x, out, 0, rows);
            }
            for (int row = 0; row < rows; row++) {
                assertDotClose(type, rows, cols, row, out[row], reference, x, 0);
            }
        }
    }

    static Stream<GgmlType> supportedTypes() {
        return SUPPORTED.stream();
    }

    @Test
    void f16DequantizeRowConvertsEveryHalfBitPatternLikeFloatFloat16ToFloat() {
        assertEveryBitPatternConverts(GgmlType.F16);
    }

    @Test
    void bf16DequantizeRowConvertsEveryBitPatternToTheUpperHalfOfAFloat() {
        assertEveryBitPatternConverts(GgmlType.BF16);
    }

    private static void assertEveryBitPatternConverts(GgmlType type) {
        int patterns = 1 << 16;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = TestMatrices.allocate(arena, patterns * 2L, Placement.ODD_BYTE_OFFSET);
            for (int bits = 0; bits < patterns; bits++) {
                data.set(TestMatrices.LE_SHORT, bits * 2L, (short) bits);
            }
            WeightMatrix matrix = WeightMatrix.of(type, data, 1, patterns);
            float[] out = new float[patterns];
            matrix.dequantizeRow(0, out, 0);
            for (int bits = 0; bits < patterns; bits++) {
                float expected = type == GgmlType.F16
                        ? Float.float16ToFloat((short) bits)
                        : Float.intBitsToFloat(bits << 16);
                if (Float.isNaN(expected)) {
                    assertThat(out[bits]).as("bits 0x%04x", bits).isNaN();
                } else {
                    assertThat(Float.floatToRawIntBits(out[bits]))
                            .as("bits 0x%04x should convert to %s", bits, expected)
                            .isEqualTo(Float.floatToRawIntBits(expected));
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q8_1", "Q8_K", "IQ2_XXS", "IQ4_NL", "IQ4_XS", "TQ1_0", "TQ2_0", "I8",
        "F64", "MXFP4"})
    void ofRejectsUnsupportedTypesNamingTheType(GgmlType type) {
        MemorySegment data = MemorySegment.ofArray(new byte[(int) type.bytesFor(256)]);
        assertThatThrownBy(() -> WeightMatrix.of(type, data, 1, 256))
                .isInstanceOf(UnsupportedModelException.class)
                .hasMessage("tensor type " + type + " is not supported by the local engine yet; supported: F32, F16,"
                        + " BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K");
    }

    @Test
    void ofRejectsColsThatAreNotWholeBlocks() {
        MemorySegment data = MemorySegment.ofArray(new byte[34 * 2]);
        assertThatThrownBy(() -> WeightMatrix.of(GgmlType.Q8_0, data, 2, 33))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("33")
                .hasMessageContaining("Q8_0")
                .hasMessageContaining("32");
    }

    @Test
    void ofRejectsASegmentOfTheWrongSizeNamingTheNumbers() {
        MemorySegment tooShort = MemorySegment.ofArray(new byte[18 * 4 - 1]);
        assertThatThrownBy(() -> WeightMatrix.of(GgmlType.Q4_0, tooShort, 2, 64))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Q4_0")
                .hasMessageContaining("72")
                .hasMessageContaining("71");
        MemorySegment tooLong = MemorySegment.ofArray(new byte[4 * 10 + 4]);
        assertThatThrownBy(() -> WeightMatrix.of(GgmlType.F32, tooLong, 2, 5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("40")
                .hasMessageContaining("44");
    }

    @Test
    void ofRejectsNegativeDimensions() {
        MemorySegment empty = MemorySegment.ofArray(new byte[0]);
        assertThatThrownBy(() -> WeightMatrix.of(GgmlType.F32, empty, -1, 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
    }

    @Test
    void ofReportsTheShape() {
        MemorySegment data = MemorySegment.ofArray(new byte[34 * 6]);
        WeightMatrix matrix = WeightMatrix.of(GgmlType.Q8_0, data, 3, 64);
        assertThat(matrix.type()).isEqualTo(GgmlType.Q8_0);
        assertThat(matrix.rows()).isEqualTo(3);
        assertThat(matrix.cols()).isEqualTo(64);
    }

    @Test
    void dotRejectsRowsOutOfRangeAndShortInputs() {
        MemorySegment data = MemorySegment.ofArray(new byte[18 * 2]);
        WeightMatrix matrix = WeightMatrix.of(GgmlType.Q4_0, data, 2, 32);
        assertThatThrownBy(() -> matrix.dot(2, new float[32], 0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> matrix.dot(-1, new float[32], 0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> matrix.dot(0, new float[32], 1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> matrix.matVec(new float[31], new float[2], 0, 2))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> matrix.matVec(new float[32], new float[1], 0, 2))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> matrix.matVec(new float[32], new float[2], 1, 3))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> matrix.dequantizeRow(0, new float[40], 9))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    private static void assertDotClose(
            GgmlType type, int rows, int cols, int row, float actual, float[] reference, float[] x, int xOffset) {
        double expected = 0;
        double magnitude = 0;
        for (int j = 0; j < cols; j++) {
            double product = (double) reference[row * cols + j] * x[xOffset + j];
            expected += product;
            magnitude += Math.abs(product);
        }
        double allowed = RELATIVE_TOLERANCE * magnitude + Float.MIN_NORMAL;
        assertThat((double) actual)
                .as("%s %d×%d row %d (Σ|w·x| = %g)", type, rows, cols, row, magnitude)
                .isCloseTo(expected, Offset.offset(allowed));
    }
}
