package dev.hearth.local.internal.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hearth.local.internal.gguf.GgmlType;
import dev.hearth.local.internal.tensor.TestMatrices.Placement;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The register-blocked prefill GEMM (Q8_0 and Q4_0 by scaled blocks, Q4_K by formed weights) against the row kernels
 * it replaces, bit for bit, and against a float64
 * reference: sizes chosen so that nothing divides evenly (rows not a multiple of the micro-kernel's four or of the
 * panel, an odd number of blocks per row so the last K-slice is short and ends on an even block, 1 to 33 tokens so the
 * last token group is partial), at several panel and slice sizes.
 */
class PanelGemmTest {
    /** Panel rows × slice blocks: the smallest legal tile, an odd-sized mix, and the default. */
    private static final List<PanelGemm> GEMMS = List.of(new PanelGemm(4, 2), new PanelGemm(8, 6), PanelGemm.DEFAULT);

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = GgmlType.class, names = {"Q8_0", "Q4_0", "Q4_K"})
    void matchesTheRowKernelsBitForBitAndTheFloat64Reference(GgmlType type) {
        assumeTrue(PanelGemm.supported(), "the micro-kernel needs 16-lane floats");
        int rows = 23;
        int rowStart = 1;
        int rowEnd = rows - 3; // 19 rows: four micro-kernels and three rows for the row kernels
        long seed = 900;
        try (Arena arena = Arena.ofConfined()) {
            // Q8_0/Q4_0: 1-17 blocks of 32 (odd counts); Q4_K: 1-9 super-blocks of 256 (8-72 sub-blocks of 32)
            int[] blockCounts = type.blockSize() == 256 ? new int[] {1, 3, 9} : new int[] {1, 3, 7, 17};
            for (int blocks : blockCounts) {
                int cols = blocks * type.blockSize();
                MemorySegment data = TestMatrices.build(arena, type, rows, cols, Placement.ODD_BYTE_OFFSET, seed++);
                BlockWeightMatrix matrix = (BlockWeightMatrix) WeightMatrix.of(type, data, rows, cols);
                float[] reference = ScalarReference.dequantize(type, data, (long) rows * cols);
                for (int tokens = 1; tokens <= 33; tokens++) {
                    float[] inputs = TestMatrices.randomVector(tokens * cols, seed++);
                    float[] expected = nanFilled(tokens * rows);
                    matrix.matMulRows(inputs, tokens, expected, rowStart, rowEnd);
                    for (PanelGemm gemm : GEMMS) {
                        float[] actual = nanFilled(tokens * rows);
                        gemm.multiply(matrix, inputs, tokens, actual, rowStart, rowEnd);
                        assertBitIdentical(actual, expected, type + " cols " + cols + " tokens " + tokens + " "
                                + gemm);
                    }
                    assertCloseToFloat64(expected, reference, inputs, tokens, rows, cols, rowStart, rowEnd);
                }
            }
        }
    }

    @Test
    void compiledKernelStillMatchesTheRowKernels() {
        // The interpreter and C2 must agree too: run one shape until the micro-kernel is compiled.
        assumeTrue(PanelGemm.supported(), "the micro-kernel needs 16-lane floats");
        int rows = 70;
        int cols = 33 * 32;
        int tokens = 32;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = TestMatrices.build(arena, GgmlType.Q8_0, rows, cols, Placement.ALIGNED, 77);
            WeightMatrix matrix = WeightMatrix.of(GgmlType.Q8_0, data, rows, cols);
            float[] inputs = TestMatrices.randomVector(tokens * cols, 78);
            float[] expected = new float[tokens * rows];
            ((BlockWeightMatrix) matrix).matMulRows(inputs, tokens, expected, 0, rows);
            float[] actual = new float[tokens * rows];
            for (int repetition = 0; repetition < 400; repetition++) {
                Arrays.fill(actual, Float.NaN);
                matrix.matMul(inputs, tokens, actual, 0, rows);
                assertBitIdentical(actual, expected, "repetition " + repetition);
            }
        }
    }

    @Test
    void rejectsPanelsAndSlicesTheKernelCannotTile() {
        assertThatThrownBy(() -> new PanelGemm(6, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("multiple of 4");
        assertThatThrownBy(() -> new PanelGemm(4, 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("even");
    }

    private static float[] nanFilled(int length) {
        float[] values = new float[length];
        Arrays.fill(values, Float.NaN);
        return values;
    }

    private static void assertBitIdentical(float[] actual, float[] expected, String label) {
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(actual[i]) != Float.floatToRawIntBits(expected[i])) {
                assertThat(actual[i]).as("%s, entry %d", label, i).isEqualTo(expected[i]);
            }
        }
    }

    /** Within 2e-5 of Σ|w·x| of the float64 sum, like WeightMatrixTest: the error scales with the magnitudes summed. */
    private static void assertCloseToFloat64(float[] actual, float[] weights, float[] inputs, int tokens, int rows,
                                             int cols, int rowStart, int rowEnd) {
        for (int token = 0; token < tokens; token++) {
            for (int row = rowStart; row < rowEnd; row++) {
                double sum = 0;
                double magnitude = 0;
                for (int j = 0; j < cols; j++) {
                    double product = (double) weights[row * cols + j] * inputs[token * cols + j];
                    sum += product;
                    magnitude += Math.abs(product);
                }
                assertThat((double) actual[token * rows + row]).as("token %d row %d", token, row)
                        .isCloseTo(sum, org.assertj.core.data.Offset.offset(2e-5 * magnitude + Float.MIN_NORMAL));
            }
        }
    }
}
