package dev.hearth.local.internal.tensor;

import static dev.hearth.local.internal.tensor.KernelSpecies.FLOAT;
import static dev.hearth.local.internal.tensor.KernelSpecies.FLOAT_LANES;

import dev.hearth.local.internal.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/** bfloat16 weights (the upper 16 bits of a float32), widened to float lanes in registers. */
final class Bf16WeightMatrix extends BlockWeightMatrix {

    Bf16WeightMatrix(MemorySegment data, int rows, int cols) {
        super(GgmlType.BF16, data, rows, cols);
    }

    @Override
    void decodeRow(long rowOffset, float[] out, int offset) {
        int vectorBound = FLOAT.loopBound(cols);
        int col = 0;
        for (; col < vectorBound; col += FLOAT_LANES) {
            HalfWidthKernels.loadBfloat16s(data, rowOffset + (long) col * Short.BYTES).intoArray(out, offset + col);
        }
        for (; col < cols; col++) {
            out[offset + col] = HalfWidthKernels.bfloat16ToFloat(data.get(LittleEndian.SHORT, rowOffset + (long) col * Short.BYTES));
        }
    }

    @Override
    float rowDot(long rowOffset, float[] x, int xOffset) {
        // Four independent accumulators keep several conversions and FMAs in flight at once.
        FloatVector sum0 = FloatVector.zero(FLOAT);
        FloatVector sum1 = FloatVector.zero(FLOAT);
        FloatVector sum2 = FloatVector.zero(FLOAT);
        FloatVector sum3 = FloatVector.zero(FLOAT);
        int unrolledStride = 4 * FLOAT_LANES;
        int unrolledBound = cols - cols % unrolledStride;
        int col = 0;
        for (; col < unrolledBound; col += unrolledStride) {
            long byteOffset = rowOffset + (long) col * Short.BYTES;
            sum0 = HalfWidthKernels.loadBfloat16s(data, byteOffset)
                    .fma(FloatVector.fromArray(FLOAT, x, xOffset + col), sum0);
            sum1 = HalfWidthKernels.loadBfloat16s(data, byteOffset + (long) FLOAT_LANES * Short.BYTES)
                    .fma(FloatVector.fromArray(FLOAT, x, xOffset + col + FLOAT_LANES), sum1);
            sum2 = HalfWidthKernels.loadBfloat16s(data, byteOffset + 2L * FLOAT_LANES * Short.BYTES)
                    .fma(FloatVector.fromArray(FLOAT, x, xOffset + col + 2 * FLOAT_LANES), sum2);
            sum3 = HalfWidthKernels.loadBfloat16s(data, byteOffset + 3L * FLOAT_LANES * Short.BYTES)
                    .fma(FloatVector.fromArray(FLOAT, x, xOffset + col + 3 * FLOAT_LANES), sum3);
        }
        int vectorBound = FLOAT.loopBound(cols);
        for (; col < vectorBound; col += FLOAT_LANES) {
            sum0 = HalfWidthKernels.loadBfloat16s(data, rowOffset + (long) col * Short.BYTES)
                    .fma(FloatVector.fromArray(FLOAT, x, xOffset + col), sum0);
        }
        // lanes left to right, written out here: a helper taking the vector could stay out of line (KernelSpecies)
        FloatVector laneSums = sum0.add(sum1).add(sum2.add(sum3));
        float inOrder = 0;
        for (int lane = 0; lane < KernelSpecies.FLOAT_LANES; lane++) {
            inOrder += laneSums.lane(lane);
        }
        float sum = inOrder;
        // Scalar tail only when cols is not a multiple of the lane count.
        for (; col < cols; col++) {
            sum += HalfWidthKernels.bfloat16ToFloat(data.get(LittleEndian.SHORT, rowOffset + (long) col * Short.BYTES)) * x[xOffset + col];
        }
        return sum;
    }
}
