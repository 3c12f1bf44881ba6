package dev.hearth.local.internal.tensor;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link VectorExp} against {@link Math#exp} (evaluated in double, so the reference is exact to well under an ulp of
 * a float) over the whole input range of a softmax or SiLU: at most 2 ulp of relative error where e^x is a normal
 * float, an absolute error below {@link Float#MIN_NORMAL} where it is subnormal or underflows, and exact special
 * values. The vector lanes and the scalar twin must agree to the bit, since which one computes an element depends on
 * where a range starts.
 */
class VectorExpTest {
    /** Every 4099th float bit pattern between −110 and 90 (about 550 k inputs, every binade), plus the edges of the range. */
    private static float[] sweep() {
        int low = Float.floatToRawIntBits(-110f);
        int count = 0;
        float[] inputs = new float[1 << 20];
        // negative floats: bit patterns grow with magnitude
        for (int bits = low; bits > Integer.MIN_VALUE + 4098; bits -= 4099) {
            inputs[count++] = Float.intBitsToFloat(bits);
        }
        for (int bits = 0; Float.intBitsToFloat(bits) < 90f; bits += 4099) {
            inputs[count++] = Float.intBitsToFloat(bits);
        }
        float[] edges = {0f, -0f, 1f, -1f, 88.72f, 88.7228f, 88.73f, 89f, 100f, -87.33f, -87.34f, -103.9f, -104f,
                -150f, Float.MIN_VALUE, -Float.MIN_VALUE, 0.34657359f, -0.34657359f, 0.34657362f, 1e-10f, -1e-10f};
        for (float edge : edges) {
            inputs[count++] = edge;
        }
        return java.util.Arrays.copyOf(inputs, count);
    }

    @Test
    void staysWithinTwoUlpOfMathExpWhereTheResultIsNormal() {
        float[] inputs = sweep();
        float[] vectorResults = inputs.clone();
        VectorExp.expShiftedInPlace(vectorResults, 0, vectorResults.length, 0f);
        double worstUlps = 0;
        float worstInput = 0;
        for (int i = 0; i < inputs.length; i++) {
            float x = inputs[i];
            float actual = VectorExp.exp(x);
            assertThat(Float.floatToRawIntBits(vectorResults[i])).as("vector lane vs scalar twin at x=%s", x)
                    .isEqualTo(Float.floatToRawIntBits(actual));
            double exact = Math.exp(x);
            if (exact >= Float.MIN_NORMAL && exact <= Float.MAX_VALUE) {
                double ulps = Math.abs(actual - exact) / Math.ulp((float) exact);
                if (ulps > worstUlps) {
                    worstUlps = ulps;
                    worstInput = x;
                }
            } else if (exact < Float.MIN_NORMAL) {
                assertThat((double) actual).as("e^%s (subnormal or underflow)", x)
                        .isCloseTo(exact, org.assertj.core.data.Offset.offset((double) Float.MIN_NORMAL));
                assertThat(actual).isGreaterThanOrEqualTo(0f);
            } else {
                assertThat(actual).as("e^%s overflows", x).isEqualTo(Float.POSITIVE_INFINITY);
            }
        }
        assertThat(worstUlps).as("worst error, at x=%s", worstInput).isLessThanOrEqualTo(2.0);
    }

    @Test
    void specialValuesGiveTheirLimits() {
        assertThat(VectorExp.exp(Float.NEGATIVE_INFINITY)).isEqualTo(0f);
        assertThat(VectorExp.exp(-1e30f)).isEqualTo(0f);
        assertThat(VectorExp.exp(-200f)).isEqualTo(0f);
        assertThat(VectorExp.exp(Float.POSITIVE_INFINITY)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(VectorExp.exp(1e30f)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(VectorExp.exp(0f)).isEqualTo(1f);
        assertThat(VectorExp.exp(-0f)).isEqualTo(1f);
        assertThat(VectorExp.exp(Float.NaN)).isNaN();

        float[] lanes = new float[64];
        java.util.Arrays.fill(lanes, Float.NEGATIVE_INFINITY);
        lanes[5] = 3f;
        lanes[40] = Float.NaN;
        float sum = VectorExp.expShiftedInPlace(lanes, 0, 64, 3f);
        assertThat(lanes[5]).isEqualTo(1f);
        assertThat(lanes[0]).isEqualTo(0f);
        assertThat(lanes[63]).isEqualTo(0f);
        assertThat(lanes[40]).isNaN();
        assertThat(sum).isNaN();
    }

    @Test
    void shiftedSumMatchesTheSumOfTheStoredValues() {
        SplittableRandom random = new SplittableRandom(3);
        for (int n : new int[] {1, 3, 15, 16, 17, 100, 4099}) {
            float[] x = new float[n + 5];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (random.nextDouble() * 40 - 30);
            }
            float[] expected = x.clone();
            float sum = VectorExp.expShiftedInPlace(x, 5, n, 7.5f);
            double referenceSum = 0;
            for (int i = 5; i < n + 5; i++) {
                assertThat(x[i]).isEqualTo(VectorExp.exp(expected[i] - 7.5f));
                referenceSum += Math.exp(expected[i] - 7.5);
            }
            assertThat((double) sum).isCloseTo(referenceSum, org.assertj.core.data.Percentage.withPercentage(1e-3));
            assertThat(x[4]).as("outside the range").isEqualTo(expected[4]);
        }
    }

    @Test
    void siluGateIsTheSameWhicheverLoopComputesAnElementAndMatchesTheFormula() {
        SplittableRandom random = new SplittableRandom(5);
        int n = 77;
        float[] gate = new float[n];
        float[] up = new float[n];
        for (int i = 0; i < n; i++) {
            gate[i] = (float) (random.nextDouble() * 40 - 20);
            up[i] = (float) (random.nextDouble() * 4 - 2);
        }
        gate[3] = -120f;
        gate[4] = 120f;
        float[] whole = new float[n];
        VectorExp.siluGate(gate, 0, up, 0, whole, 0, n);
        for (int from = 0; from < n; from++) {
            float[] one = new float[1];
            VectorExp.siluGate(gate, from, up, from, one, 0, 1);
            assertThat(one[0]).as("element %d alone", from).isEqualTo(whole[from]);
            double g = gate[from];
            double reference = g / (1 + Math.exp(-g)) * up[from];
            assertThat((double) whole[from]).isCloseTo(reference, org.assertj.core.data.Offset.offset(
                    1e-6 * Math.abs(reference) + 1e-30));
        }
        float[] inPlace = gate.clone();
        VectorExp.siluGate(inPlace, 0, up, 0, inPlace, 0, n);
        assertThat(inPlace).containsExactly(whole);
    }
}
