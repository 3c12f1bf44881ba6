package dev.hearth.local.internal.tensor;

import static dev.hearth.local.internal.tensor.KernelSpecies.FLOAT;
import static dev.hearth.local.internal.tensor.KernelSpecies.FLOAT_LANES;

import java.util.Objects;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * {@code e^x} for softmax and SiLU, as a vector kernel and a scalar twin that computes every lane's value with exactly
 * the same operations, so an element gets the same bits whether a vector loop or its scalar tail handles it (which
 * one does depends on where a range starts, and ranges depend on how work is split across threads).
 *
 * <p>Method: {@code n = round(x·log2 e)}, {@code r = x − n·ln 2} in two FMA steps (Cody–Waite: {@code ln 2} split into
 * a high part with trailing zero bits and a low correction), {@code e^r ≈ 1 + r + r²·P(r)} with the degree-5 minimax
 * polynomial of Cephes' {@code expf} on {@code |r| ≤ ln2/2}, then {@code ·2^n} as two exact power-of-two factors
 * built from exponent bits, so results fall gracefully into subnormals, to 0 below about −104 and to +∞ above about
 * 88.72. Accuracy (tested against {@link Math#exp} over the whole range): at most 2 ulp where the result is a normal
 * float, and an absolute error below {@link Float#MIN_NORMAL} where it is subnormal or 0. {@code −∞ → 0},
 * {@code +∞ → +∞}, NaN → NaN.
 *
 * <p>Why not {@code FloatVector.lanewise(VectorOperators.EXP)}: measured in {@code LayerKernelsBenchmark} (see
 * docs/performance/attention.md) it is slower on this JDK, and it is not reproducible — before C2 compiles a loop the
 * operation runs lane by lane through {@link Math#exp}, whose bits can differ from the intrinsic stub's, so the same
 * softmax could change in the last bit once the JIT warms up.
 */
public final class VectorExp {
    private VectorExp() {}

    private static final float LOG2_E = 1.44269504088896341f;
    /** ln 2 = LN2_HIGH + LN2_LOW; LN2_HIGH has 9 significant bits, so {@code n·LN2_HIGH} is exact for |n| < 2^15. */
    private static final float LN2_HIGH = 0.693359375f;
    private static final float LN2_LOW = -2.12194440e-4f;
    /** 1.5·2^23: adding it rounds a float of magnitude below 2^22 to an integer, which lands in the low mantissa bits. */
    private static final float ROUNDING_BIAS = 12582912f;
    private static final int ROUNDING_BIAS_BITS = Float.floatToRawIntBits(ROUNDING_BIAS);
    /** Below this e^x is 0 even as a subnormal; clamping keeps n within the two-factor scale's range. */
    private static final float LOWEST_INPUT = -104f;
    /** Above this e^x overflows; clamping keeps n ≤ 129 so each half of 2^n is a normal float. */
    private static final float HIGHEST_INPUT = 89f;
    private static final float P0 = 1.9875691500e-4f;
    private static final float P1 = 1.3981999507e-3f;
    private static final float P2 = 8.3334519073e-3f;
    private static final float P3 = 4.1665795894e-2f;
    private static final float P4 = 1.6666665459e-1f;
    private static final float P5 = 5.0000001201e-1f;

    /** e^x in every lane (lanes of {@link KernelSpecies#FLOAT}). */
    static FloatVector exp(FloatVector x) {
        // min/max propagate NaN, and clamp ±∞ to finite values whose results are 0 and +∞
        FloatVector clamped = x.max(LOWEST_INPUT).min(HIGHEST_INPUT);
        FloatVector biased = clamped.fma(FloatVector.broadcast(FLOAT, LOG2_E), FloatVector.broadcast(FLOAT, ROUNDING_BIAS));
        FloatVector n = biased.sub(ROUNDING_BIAS);
        FloatVector r = n.fma(FloatVector.broadcast(FLOAT, -LN2_HIGH), clamped);
        r = n.fma(FloatVector.broadcast(FLOAT, -LN2_LOW), r);
        FloatVector p = r.fma(FloatVector.broadcast(FLOAT, P0), FloatVector.broadcast(FLOAT, P1));
        p = p.fma(r, FloatVector.broadcast(FLOAT, P2));
        p = p.fma(r, FloatVector.broadcast(FLOAT, P3));
        p = p.fma(r, FloatVector.broadcast(FLOAT, P4));
        p = p.fma(r, FloatVector.broadcast(FLOAT, P5));
        FloatVector expR = p.fma(r.mul(r), r).add(1f);
        IntVector exponent = ((IntVector) biased.reinterpretAsInts()).sub(ROUNDING_BIAS_BITS);
        IntVector half = exponent.lanewise(VectorOperators.ASHR, 1);
        FloatVector firstScale = half.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector secondScale = exponent.sub(half).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return expR.mul(firstScale).mul(secondScale);
    }

    /** e^x with exactly the operations of one lane of {@link #exp(FloatVector)}, so the bits are the same. */
    public static float exp(float x) {
        float clamped = Math.min(Math.max(x, LOWEST_INPUT), HIGHEST_INPUT);
        float biased = Math.fma(clamped, LOG2_E, ROUNDING_BIAS);
        float n = biased - ROUNDING_BIAS;
        float r = Math.fma(n, -LN2_HIGH, clamped);
        r = Math.fma(n, -LN2_LOW, r);
        float p = Math.fma(r, P0, P1);
        p = Math.fma(p, r, P2);
        p = Math.fma(p, r, P3);
        p = Math.fma(p, r, P4);
        p = Math.fma(p, r, P5);
        float expR = Math.fma(p, r * r, r) + 1f;
        int exponent = Float.floatToRawIntBits(biased) - ROUNDING_BIAS_BITS;
        int half = exponent >> 1;
        float firstScale = Float.intBitsToFloat((half + 127) << 23);
        float secondScale = Float.intBitsToFloat((exponent - half + 127) << 23);
        return expR * firstScale * secondScale;
    }

    /**
     * {@code x[i] = e^(x[i] − shift)} for {@code i} in {@code [offset, offset+n)}, returning the sum of the new values
     * (accumulated lane-wise, then the lanes in order, then the tail: a fixed order, so the same range always gives
     * the same bits). This is softmax's middle pass with {@code shift} its maximum.
     */
    public static float expShiftedInPlace(float[] x, int offset, int n, float shift) {
        Objects.checkFromIndexSize(offset, n, x.length);
        FloatVector sumLanes = FloatVector.zero(FLOAT);
        int i = 0;
        int vectorBound = FLOAT.loopBound(n);
        for (; i < vectorBound; i += FLOAT_LANES) {
            FloatVector e = exp(FloatVector.fromArray(FLOAT, x, offset + i).sub(shift));
            e.intoArray(x, offset + i);
            // e, not the loop's running sum, is the receiver: see FloatOps.max (IEEE addition is commutative)
            sumLanes = e.add(sumLanes);
        }
        // lanes left to right, written out here: a helper taking the vector could stay out of line (KernelSpecies)
        FloatVector laneSums = sumLanes;
        float inOrder = 0;
        for (int lane = 0; lane < KernelSpecies.FLOAT_LANES; lane++) {
            inOrder += laneSums.lane(lane);
        }
        float sum = inOrder;
        for (; i < n; i++) {
            float e = exp(x[offset + i] - shift);
            x[offset + i] = e;
            sum += e;
        }
        return sum;
    }

    /**
     * The SiLU-gated product {@code out[outOffset+i] = g / (1 + e^−g) · up[upOffset+i]} with
     * {@code g = gate[gateOffset+i]}, for {@code i < n}; {@code out} may be {@code gate} at the same offset. Each
     * element's value does not depend on whether the vector loop or the tail computed it.
     */
    public static void siluGate(float[] gate, int gateOffset, float[] up, int upOffset, float[] out, int outOffset,
                                int n) {
        Objects.checkFromIndexSize(gateOffset, n, gate.length);
        Objects.checkFromIndexSize(upOffset, n, up.length);
        Objects.checkFromIndexSize(outOffset, n, out.length);
        int i = 0;
        int vectorBound = FLOAT.loopBound(n);
        for (; i < vectorBound; i += FLOAT_LANES) {
            FloatVector g = FloatVector.fromArray(FLOAT, gate, gateOffset + i);
            FloatVector sigmoidDenominator = exp(g.neg()).add(1f);
            g.div(sigmoidDenominator).mul(FloatVector.fromArray(FLOAT, up, upOffset + i)).intoArray(out, outOffset + i);
        }
        for (; i < n; i++) {
            float g = gate[gateOffset + i];
            out[outOffset + i] = g / (exp(-g) + 1f) * up[upOffset + i];
        }
    }
}
