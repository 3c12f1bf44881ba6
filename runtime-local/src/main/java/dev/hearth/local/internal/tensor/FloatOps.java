package dev.hearth.local.internal.tensor;

import static dev.hearth.local.internal.tensor.KernelSpecies.FLOAT;
import static dev.hearth.local.internal.tensor.KernelSpecies.FLOAT_LANES;

import java.util.Objects;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Vector kernels over plain {@code float[]} ranges, for attention and RMSNorm. Out-of-range offsets or lengths
 * throw {@link IndexOutOfBoundsException} (checked once per call, not per lane). The range lengths here are head
 * dimensions and sequence lengths, so a scalar tail handles lengths that are not a multiple of the lane count.
 */
public final class FloatOps {
    private FloatOps() {}

    /** {@code Σ_{i<n} a[aOff+i]·b[bOff+i]}. */
    public static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        checkRange(a, aOff, n);
        checkRange(b, bOff, n);
        // Two accumulators: enough to hide FMA latency at the short lengths (head dims of 64–128) this sees.
        FloatVector sum0 = FloatVector.zero(FLOAT);
        FloatVector sum1 = FloatVector.zero(FLOAT);
        int i = 0;
        int pairBound = n - n % (2 * FLOAT_LANES);
        for (; i < pairBound; i += 2 * FLOAT_LANES) {
            sum0 = FloatVector.fromArray(FLOAT, a, aOff + i).fma(FloatVector.fromArray(FLOAT, b, bOff + i), sum0);
            sum1 = FloatVector.fromArray(FLOAT, a, aOff + i + FLOAT_LANES)
                    .fma(FloatVector.fromArray(FLOAT, b, bOff + i + FLOAT_LANES), sum1);
        }
        int vectorBound = FLOAT.loopBound(n);
        for (; i < vectorBound; i += FLOAT_LANES) {
            sum0 = FloatVector.fromArray(FLOAT, a, aOff + i).fma(FloatVector.fromArray(FLOAT, b, bOff + i), sum0);
        }
        float sum = KernelSpecies.sumLanesInOrder(sum0.add(sum1));
        for (; i < n; i++) {
            sum += a[aOff + i] * b[bOff + i];
        }
        return sum;
    }

    /** {@code y[yOff+i] += alpha·x[xOff+i]} for {@code i < n}. */
    public static void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        checkRange(x, xOff, n);
        checkRange(y, yOff, n);
        FloatVector alphaLanes = FloatVector.broadcast(FLOAT, alpha);
        int i = 0;
        int vectorBound = FLOAT.loopBound(n);
        for (; i < vectorBound; i += FLOAT_LANES) {
            FloatVector.fromArray(FLOAT, x, xOff + i)
                    .fma(alphaLanes, FloatVector.fromArray(FLOAT, y, yOff + i))
                    .intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] = Math.fma(alpha, x[xOff + i], y[yOff + i]);
        }
    }

    /** {@code x[off+i] *= s} for {@code i < n}. */
    public static void scale(float[] x, int off, int n, float s) {
        checkRange(x, off, n);
        int i = 0;
        int vectorBound = FLOAT.loopBound(n);
        for (; i < vectorBound; i += FLOAT_LANES) {
            FloatVector.fromArray(FLOAT, x, off + i).mul(s).intoArray(x, off + i);
        }
        for (; i < n; i++) {
            x[off + i] *= s;
        }
    }

    /** {@code Σ_{i<n} x[off+i]²} (the RMSNorm denominator). */
    public static float sumOfSquares(float[] x, int off, int n) {
        checkRange(x, off, n);
        FloatVector sum0 = FloatVector.zero(FLOAT);
        FloatVector sum1 = FloatVector.zero(FLOAT);
        int i = 0;
        int pairBound = n - n % (2 * FLOAT_LANES);
        for (; i < pairBound; i += 2 * FLOAT_LANES) {
            FloatVector first = FloatVector.fromArray(FLOAT, x, off + i);
            FloatVector second = FloatVector.fromArray(FLOAT, x, off + i + FLOAT_LANES);
            sum0 = first.fma(first, sum0);
            sum1 = second.fma(second, sum1);
        }
        int vectorBound = FLOAT.loopBound(n);
        for (; i < vectorBound; i += FLOAT_LANES) {
            FloatVector lanes = FloatVector.fromArray(FLOAT, x, off + i);
            sum0 = lanes.fma(lanes, sum0);
        }
        float sum = KernelSpecies.sumLanesInOrder(sum0.add(sum1));
        for (; i < n; i++) {
            sum += x[off + i] * x[off + i];
        }
        return sum;
    }

    private static void checkRange(float[] array, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, array.length);
    }
}
