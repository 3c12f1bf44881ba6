package dev.hearth.local.internal.tensor;

import static dev.hearth.local.internal.tensor.KernelSpecies.FLOAT;
import static dev.hearth.local.internal.tensor.KernelSpecies.FLOAT_LANES;

import dev.hearth.local.internal.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/** Plain float32 weights: the kernel is a straight vector dot product read from the segment. */
final class F32WeightMatrix implements WeightMatrix {
    private static final int BYTES_PER_VALUE = Float.BYTES;

    private final MemorySegment data;
    private final int rows;
    private final int cols;
    private final long rowBytes;

    F32WeightMatrix(MemorySegment data, int rows, int cols) {
        this.data = data;
        this.rows = rows;
        this.cols = cols;
        this.rowBytes = (long) cols * BYTES_PER_VALUE;
    }

    @Override
    public GgmlType type() {
        return GgmlType.F32;
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public int cols() {
        return cols;
    }

    @Override
    public float dot(int row, float[] x, int xOffset) {
        MatrixArguments.checkDot(this, row, x, xOffset);
        return rowDot(row * rowBytes, x, xOffset);
    }

    @Override
    public void matVec(float[] x, float[] out, int rowStart, int rowEnd) {
        MatrixArguments.checkMatVec(this, x, out, rowStart, rowEnd);
        for (int row = rowStart; row < rowEnd; row++) {
            out[row] = rowDot(row * rowBytes, x, 0);
        }
    }

    @Override
    public void matMul(float[] inputs, int batchSize, float[] out, int rowStart, int rowEnd) {
        MatrixArguments.checkMatMul(this, inputs, batchSize, out, rowStart, rowEnd);
        int tileRows = MatrixArguments.matMulTileRows(rowBytes);
        for (int tileStart = rowStart; tileStart < rowEnd; tileStart += tileRows) {
            int tileEnd = Math.min(rowEnd, tileStart + tileRows);
            for (int token = 0; token < batchSize; token++) {
                int inputOffset = token * cols;
                int outOffset = token * rows;
                for (int row = tileStart; row < tileEnd; row++) {
                    out[outOffset + row] = rowDot(row * rowBytes, inputs, inputOffset);
                }
            }
        }
    }

    @Override
    public void dequantizeRow(int row, float[] out, int offset) {
        MatrixArguments.checkDequantizeRow(this, row, out, offset);
        MemorySegment.copy(data, LittleEndian.FLOAT, row * rowBytes, out, offset, cols);
    }

    private float rowDot(long rowOffset, float[] x, int xOffset) {
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
        float sum = KernelSpecies.sumLanesInOrder(sum0.add(sum1).add(sum2.add(sum3)));
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
