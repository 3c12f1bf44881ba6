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
}
