package dev.hearth.local.internal.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * FloatOps against plain loops, for lengths around the lane count (so the vector body, the scalar tail and their
 * combination all run) and at non-zero offsets. Sums are compared in double with a tolerance relative to Σ|terms|.
 */
class FloatOpsTest {
    private static final double RELATIVE_TOLERANCE = 1e-5;
    private static final int A_OFFSET = 3;
    private static final int B_OFFSET = 7;

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 15, 16, 17, 31, 33, 1000})
    void dotMatchesScalarLoop(int n) {
        float[] a = TestMatrices.randomVector(n + A_OFFSET + 2, n);
        float[] b = TestMatrices.randomVector(n + B_OFFSET, n + 1000);
        double expected = 0;
        double magnitude = 0;
        for (int i = 0; i < n; i++) {
            double product = (double) a[A_OFFSET + i] * b[B_OFFSET + i];
            expected += product;
            magnitude += Math.abs(product);
        }
        assertThat((double) FloatOps.dot(a, A_OFFSET, b, B_OFFSET, n))
                .isCloseTo(expected, within(RELATIVE_TOLERANCE * magnitude + Float.MIN_NORMAL));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 15, 16, 17, 31, 33, 1000})
    void axpyAddsAlphaTimesXToTheRangeOnly(int n) {
        float alpha = -1.75f;
        float[] x = TestMatrices.randomVector(n + A_OFFSET, n);
        float[] y = TestMatrices.randomVector(n + B_OFFSET + 4, n + 2000);
        float[] expected = y.clone();
        for (int i = 0; i < n; i++) {
            expected[B_OFFSET + i] = Math.fma(alpha, x[A_OFFSET + i], expected[B_OFFSET + i]);
        }
        FloatOps.axpy(alpha, x, A_OFFSET, y, B_OFFSET, n);
        // Vector FMA and Math.fma both round once, so the results agree exactly.
        assertThat(y).containsExactly(expected);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 15, 16, 17, 31, 33, 1000})
    void scaleMultipliesTheRangeOnly(int n) {
        float[] x = TestMatrices.randomVector(n + A_OFFSET + 4, n);
        float[] expected = x.clone();
        for (int i = 0; i < n; i++) {
            expected[A_OFFSET + i] *= 0.125f * 3;
        }
        FloatOps.scale(x, A_OFFSET, n, 0.125f * 3);
        assertThat(x).containsExactly(expected);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 15, 16, 17, 31, 33, 1000})
    void sumOfSquaresMatchesScalarLoop(int n) {
        float[] x = TestMatrices.randomVector(n + A_OFFSET + 1, n + 3000);
        double expected = 0;
        for (int i = 0; i < n; i++) {
            expected += (double) x[A_OFFSET + i] * x[A_OFFSET + i];
        }
        assertThat((double) FloatOps.sumOfSquares(x, A_OFFSET, n))
                .isCloseTo(expected, within(RELATIVE_TOLERANCE * expected + Float.MIN_NORMAL));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 17})
    void rangesPastTheEndOfAnArrayAreRejected(int n) {
        float[] shortArray = new float[n];
        float[] longArray = new float[n + 10];
        assertThatThrownBy(() -> FloatOps.dot(shortArray, 1, longArray, 0, n))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> FloatOps.axpy(1f, longArray, 0, shortArray, 1, n))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> FloatOps.scale(shortArray, 1, n, 2f)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> FloatOps.sumOfSquares(shortArray, 1, n))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    /** Head dimensions of the parity models and real ones, plus widths that leave a scalar tail after the lanes. */
    @ParameterizedTest
    @ValueSource(ints = {1, 8, 16, 17, 64, 72, 80, 128, 256})
    void dotRowsMatchesEachRowsDotAndDoesNotDependOnTheRangeStart(int n) {
        int stride = n + 13;
        int rowOffset = 5;
        int rowCount = 23;
        float[] x = TestMatrices.randomVector(n + A_OFFSET, n + 11);
        float[] rows = TestMatrices.randomVector(rowCount * stride, n + 12);
        float[] out = new float[rowCount + 2];
        out[0] = 42f;
        FloatOps.dotRows(x, A_OFFSET, rows, stride, rowOffset, n, 1, rowCount - 1, out, 0);
        assertThat(out[0]).as("before the range").isEqualTo(42f);
        for (int t = 1; t < rowCount; t++) {
            double expected = 0;
            double magnitude = 0;
            for (int i = 0; i < n; i++) {
                double product = (double) x[A_OFFSET + i] * rows[t * stride + rowOffset + i];
                expected += product;
                magnitude += Math.abs(product);
            }
            assertThat((double) out[t]).as("row %d", t)
                    .isCloseTo(expected, within(RELATIVE_TOLERANCE * magnitude + Float.MIN_NORMAL));
            // the same row alone, or starting a group of four at another offset, gives the same bits
            for (int first = Math.max(1, t - 3); first <= t; first++) {
                float[] alone = new float[rowCount];
                FloatOps.dotRows(x, A_OFFSET, rows, stride, rowOffset, n, first, t, alone, 0);
                assertThat(alone[t]).as("row %d computed from %d", t, first).isEqualTo(out[t]);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 8, 16, 17, 64, 72, 128, 200})
    void weightedRowSumEqualsRepeatedAxpyBitForBitAlsoInPieces(int n) {
        int stride = n + 9;
        int rowOffset = 4;
        int rowCount = 19;
        float[] weights = TestMatrices.randomVector(rowCount, n + 21);
        float[] rows = TestMatrices.randomVector(rowCount * stride, n + 22);
        float[] expected = new float[n + B_OFFSET + 3];
        expected[n + B_OFFSET] = 9f;
        float[] out = expected.clone();
        java.util.Arrays.fill(out, B_OFFSET, B_OFFSET + n, Float.NaN);
        for (int t = 2; t <= 17; t++) {
            FloatOps.axpy(weights[t], rows, t * stride + rowOffset, expected, B_OFFSET, n);
        }
        FloatOps.weightedRowSum(weights, 0, 2, 17, rows, stride, rowOffset, n, out, B_OFFSET, false);
        assertThat(out).containsExactly(expected);
        // split into consecutive pieces that accumulate, with the weights at another base: the same bits
        float[] shiftedWeights = new float[rowCount + 7];
        System.arraycopy(weights, 0, shiftedWeights, 7, rowCount);
        float[] pieces = expected.clone();
        java.util.Arrays.fill(pieces, B_OFFSET, B_OFFSET + n, Float.NaN);
        FloatOps.weightedRowSum(shiftedWeights, 7, 2, 4, rows, stride, rowOffset, n, pieces, B_OFFSET, false);
        FloatOps.weightedRowSum(shiftedWeights, 7, 5, 5, rows, stride, rowOffset, n, pieces, B_OFFSET, true);
        FloatOps.weightedRowSum(shiftedWeights, 7, 6, 17, rows, stride, rowOffset, n, pieces, B_OFFSET, true);
        assertThat(pieces).containsExactly(expected);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 15, 16, 17, 100})
    void maxFindsTheLargestIncludingInfinitiesAndNaN(int n) {
        float[] x = TestMatrices.randomVector(n + A_OFFSET + 2, n + 31);
        x[A_OFFSET + n] = 1e9f; // just past the range: ignored
        float expected = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            expected = Math.max(expected, x[A_OFFSET + i]);
        }
        assertThat(FloatOps.max(x, A_OFFSET, n)).isEqualTo(expected);
        x[A_OFFSET + n / 2] = Float.POSITIVE_INFINITY;
        assertThat(FloatOps.max(x, A_OFFSET, n)).isEqualTo(Float.POSITIVE_INFINITY);
        x[A_OFFSET + n - 1] = Float.NaN;
        assertThat(FloatOps.max(x, A_OFFSET, n)).isNaN();
        assertThat(FloatOps.max(x, 0, 0)).isEqualTo(Float.NEGATIVE_INFINITY);
    }

    @org.junit.jupiter.api.Test
    void rowKernelsRejectRowsOutsideTheTable() {
        float[] x = new float[16];
        float[] rows = new float[10 * 16];
        float[] out = new float[16];
        assertThatThrownBy(() -> FloatOps.dotRows(x, 0, rows, 16, 0, 16, 0, 10, out, 0))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> FloatOps.dotRows(x, 0, rows, 16, 4, 16, 0, 3, out, 0))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> FloatOps.weightedRowSum(out, 0, 0, 10, rows, 16, 0, 16, x, 0, false))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> FloatOps.dotRows(x, 0, rows, 16, 0, 16, 0, 3, out, 13))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }
}
