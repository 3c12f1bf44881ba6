package dev.hearth.local.internal.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The softmax and one head's attention against double-precision references: scores spread over the range a real
 * model produces and beyond (large positive and negative, −∞ as a masked position would be), head dimensions of
 * every parity model (8, 16, 64) and of real ones (128), with and without Gemma-2's soft-cap, and visible ranges that
 * do and do not start at 0 or fill whole groups of four positions.
 */
class AttentionKernelsTest {
    /** Relative error allowed for one softmax weight: a few ulp from exp and the scale, plus the float sum. */
    private static final double SOFTMAX_RELATIVE_ERROR = 1e-5;

    @Test
    void softmaxMatchesADoubleReferenceOverAWideRange() {
        SplittableRandom random = new SplittableRandom(11);
        for (int n : new int[] {1, 2, 7, 16, 33, 1024, 4097}) {
            for (double spread : new double[] {1, 30, 300, 3e6}) {
                float[] scores = new float[n + 3];
                for (int i = 0; i < scores.length; i++) {
                    scores[i] = (float) ((random.nextDouble() - 0.7) * spread);
                }
                if (n > 2) {
                    scores[3] = Float.NEGATIVE_INFINITY;
                    scores[2] = -1e30f;
                }
                float[] original = scores.clone();
                LayerKernels.softmax(scores, 2, n + 1);
                double max = Double.NEGATIVE_INFINITY;
                for (int t = 2; t <= n + 1; t++) {
                    max = Math.max(max, original[t]);
                }
                double sum = 0;
                for (int t = 2; t <= n + 1; t++) {
                    sum += Math.exp(original[t] - max);
                }
                double total = 0;
                for (int t = 2; t <= n + 1; t++) {
                    double expected = Math.exp(original[t] - max) / sum;
                    assertThat((double) scores[t]).as("n=%d spread=%s weight %d", n, spread, t)
                            .isCloseTo(expected, within(SOFTMAX_RELATIVE_ERROR * expected + Float.MIN_NORMAL));
                    assertThat(scores[t]).isNotNaN().isGreaterThanOrEqualTo(0f);
                    total += scores[t];
                }
                assertThat(total).isCloseTo(1.0, within(1e-5));
                assertThat(scores[0]).isEqualTo(original[0]);
                assertThat(scores[1]).isEqualTo(original[1]);
                if (n > 2) {
                    assertThat(scores[3]).as("a -inf score gets weight 0").isEqualTo(0f);
                }
            }
        }
    }

    @ParameterizedTest(name = "head dimension {0}, positions {1}..{2}, soft-cap {3}")
    @CsvSource({"8, 0, 0, 0", "8, 3, 40, 0", "16, 0, 6, 10", "16, 5, 9, 0", "64, 0, 300, 0", "64, 290, 300, 0",
            "64, 7, 12, 50", "128, 0, 130, 0", "72, 1, 66, 0"})
    void attendHeadMatchesADoubleReference(int headDimension, int first, int last, float softCap) {
        int kvHeads = 2;
        int kvDimension = kvHeads * headDimension;
        int positions = last + 1;
        SplittableRandom random = new SplittableRandom(headDimension * 31L + last);
        float[] query = uniform(3 * headDimension, random, 2);
        float[] keys = uniform(positions * kvDimension, random, 2);
        float[] values = uniform(positions * kvDimension, random, 1);
        float scale = (float) (1 / Math.sqrt(headDimension));
        int kvOffset = headDimension; // the second KV head
        int queryOffset = 2 * headDimension;
        float[] output = new float[3 * headDimension];
        output[0] = 5f;
        float[] scores = new float[positions];
        LayerKernels.attendHead(query, queryOffset, keys, values, kvDimension, kvOffset, headDimension, first, last,
                scale, softCap, scores, output);

        double[] weights = new double[positions];
        double max = Double.NEGATIVE_INFINITY;
        for (int t = first; t <= last; t++) {
            double dot = 0;
            for (int i = 0; i < headDimension; i++) {
                dot += (double) query[queryOffset + i] * keys[t * kvDimension + kvOffset + i];
            }
            double score = dot * scale;
            weights[t] = softCap > 0 ? softCap * Math.tanh(score / softCap) : score;
            max = Math.max(max, weights[t]);
        }
        double sum = 0;
        for (int t = first; t <= last; t++) {
            weights[t] = Math.exp(weights[t] - max);
            sum += weights[t];
        }
        for (int i = 0; i < headDimension; i++) {
            double expected = 0;
            double magnitude = 0;
            for (int t = first; t <= last; t++) {
                double term = weights[t] / sum * values[t * kvDimension + kvOffset + i];
                expected += term;
                magnitude += Math.abs(term);
            }
            assertThat((double) output[queryOffset + i]).as("output %d", i)
                    .isCloseTo(expected, within(2e-5 * magnitude + 1e-7));
        }
        assertThat(output[0]).as("other heads' outputs are untouched").isEqualTo(5f);
    }

    @ParameterizedTest(name = "head dimension {0}, {1} heads, positions {2}..{3}")
    @CsvSource({"64, 4, 0, 300", "64, 3, 129, 400", "16, 2, 0, 127", "8, 4, 5, 260", "128, 2, 0, 1"})
    void headsOfAGroupTogetherGiveTheBitsOfEachHeadAlone(int headDimension, int heads, int first, int last) {
        int kvDimension = 3 * headDimension;
        int positions = last + 1;
        SplittableRandom random = new SplittableRandom(headDimension + 7L * heads + last);
        float[] query = uniform((heads + 1) * headDimension, random, 2);
        float[] keys = uniform(positions * kvDimension, random, 2);
        float[] values = uniform(positions * kvDimension, random, 1);
        float scale = (float) (1 / Math.sqrt(headDimension));
        int kvOffset = 2 * headDimension;
        float[] together = new float[(heads + 1) * headDimension];
        int stride = positions + 3;
        LayerKernels.attendHeads(query, headDimension, heads, keys, values, kvDimension, kvOffset, headDimension,
                first, last, scale, 0f, new float[heads * stride], stride, together);
        float[] alone = new float[(heads + 1) * headDimension];
        for (int head = 0; head < heads; head++) {
            LayerKernels.attendHead(query, (head + 1) * headDimension, keys, values, kvDimension, kvOffset,
                    headDimension, first, last, scale, 0f, new float[positions], alone);
        }
        assertThat(together).containsExactly(alone);
    }

    private static float[] uniform(int count, SplittableRandom random, double amplitude) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) ((random.nextDouble() * 2 - 1) * amplitude);
        }
        return values;
    }
}
