package dev.hearth.local.internal.tensor;

import static dev.hearth.local.internal.tensor.KernelSpecies.FLOAT;
import static dev.hearth.local.internal.tensor.KernelSpecies.FLOAT_LANES;

import dev.hearth.local.internal.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/** Plain float32 weights: the kernel is a straight vector dot product read from the segment. */
final class F32WeightMatrix extends BlockWeightMatrix {
    private static final int BYTES_PER_VALUE = Float.BYTES;

    F32WeightMatrix(MemorySegment data, int rows, int cols) {
        super(GgmlType.F32, data, rows, cols);
    }

    @Override
    void decodeRow(long rowOffset, float[] out, int offset) {
        MemorySegment.copy(data, LittleEndian.FLOAT, rowOffset, out, offset, cols);
    }

    @Override
    float rowDot(long rowOffset, float[] x, int xOffset) {
        // Four independent accumulators hide the FMA latency (4 cycles, 2 ports) behind each other.
        FloatVector sum0 = FloatVector.zero(FLOAT);
        FloatVector sum1 = FloatVector.zero(FLOAT);
        FloatVector sum2 = FloatVector.zero(FLOAT);
        FloatVector sum3 = FloatVector.zero(FLOAT);
        int unrolledStride = 4 * FLOAT_LANES;
        int unrolledBound = cols - cols % unrolledStride;
        int col = 0;
        for (; col < unrolledBound; col += unrolledStride) {
            sum0 = weights(rowOffset, col).fma(FloatVector.fromArray(FLOAT, x, xOffset + col), sum0);
            sum1 = weights(rowOffset, col + FLOAT_LANES)
                    .fma(FloatVector.fromArray(FLOAT, x, xOffset + col + FLOAT_LANES), sum1);
            sum2 = weights(rowOffset, col + 2 * FLOAT_LANES)
                    .fma(FloatVector.fromArray(FLOAT, x, xOffset + col + 2 * FLOAT_LANES), sum2);
            sum3 = weights(rowOffset, col + 3 * FLOAT_LANES)
                    .fma(FloatVector.fromArray(FLOAT, x, xOffset + col + 3 * FLOAT_LANES), sum3);
        }
        int vectorBound = FLOAT.loopBound(cols);
        for (; col < vectorBound; col += FLOAT_LANES) {
            sum0 = weights(rowOffset, col).fma(FloatVector.fromArray(FLOAT, x, xOffset + col), sum0);
        }
        // lanes left to right, written out here: a helper taking the vector could stay out of line (KernelSpecies)
        FloatVector laneSums = sum0.add(sum1).add(sum2.add(sum3));
        float inOrder = 0;
        for (int lane = 0; lane < KernelSpecies.FLOAT_LANES; lane++) {
            inOrder += laneSums.lane(lane);
        }
        float sum = inOrder;
        // Scalar tail only when cols is not a multiple of the lane count (rare for real models).
        for (; col < cols; col++) {
            sum += data.get(LittleEndian.FLOAT, rowOffset + (long) col * BYTES_PER_VALUE) * x[xOffset + col];
        }
        return sum;
    }

    private FloatVector weights(long rowOffset, int col) {
        return FloatVector.fromMemorySegment(
                FLOAT, data, rowOffset + (long) col * BYTES_PER_VALUE, LittleEndian.ORDER);
    }
}
