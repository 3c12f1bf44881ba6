package dev.hearth.local.internal.tensor;

import java.util.Objects;

/** Argument checks shared by the {@link WeightMatrix} implementations, kept out of the public interface. */
final class MatrixArguments {
    /** The tensor types {@link WeightMatrix#of} accepts, in the order its error message lists them. */
    static final String SUPPORTED_TYPES = "F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K";

    private MatrixArguments() {}

    /** Once per {@code dot}: a bad row or a short {@code x} must fail loudly, never read a neighbouring row. */
    static void checkDot(WeightMatrix matrix, int row, float[] x, int xOffset) {
        Objects.checkIndex(row, matrix.rows());
        Objects.checkFromIndexSize(xOffset, matrix.cols(), x.length);
    }

    /** Once per {@code matVec}, so its cost is irrelevant next to the rows it covers. */
    static void checkMatVec(WeightMatrix matrix, float[] x, float[] out, int rowStart, int rowEnd) {
        Objects.checkFromToIndex(rowStart, rowEnd, matrix.rows());
        if (x.length < matrix.cols()) {
            throw new IllegalArgumentException(
                    "x has " + x.length + " entries but the matrix has " + matrix.cols() + " cols");
        }
        if (out.length < rowEnd) {
            throw new IllegalArgumentException(
                    "out has " + out.length + " entries but rows up to " + rowEnd + " were requested");
        }
    }

    /** Once per {@code dequantizeRow}. */
    static void checkDequantizeRow(WeightMatrix matrix, int row, float[] out, int offset) {
        Objects.checkIndex(row, matrix.rows());
        Objects.checkFromIndexSize(offset, matrix.cols(), out.length);
    }

    /**
     * Bytes of weights a batched product keeps hot while it runs them against every token: a good part of L1 (32-48
     * KiB on current x86 cores), leaving room for the token's input, which is reused across the tile's rows.
     */
    private static final long MAT_MUL_TILE_BYTES = 16 * 1024;

    /** How many rows of {@code rowBytes} each make one tile of a batched product (at least one). */
    static int matMulTileRows(long rowBytes) {
        return (int) Math.max(1, MAT_MUL_TILE_BYTES / Math.max(1, rowBytes));
    }

    /** Once per {@code matMul}. */
    static void checkMatMul(WeightMatrix matrix, float[] inputs, int batchSize, float[] out, int rowStart,
                            int rowEnd) {
        Objects.checkFromToIndex(rowStart, rowEnd, matrix.rows());
        if (batchSize < 0) {
            throw new IllegalArgumentException("batchSize must be >= 0, was " + batchSize);
        }
        if (inputs.length < (long) batchSize * matrix.cols()) {
            throw new IllegalArgumentException("inputs have " + inputs.length + " entries but " + batchSize
                    + " tokens of " + matrix.cols() + " cols need " + (long) batchSize * matrix.cols());
        }
        if (batchSize > 0 && out.length < (long) (batchSize - 1) * matrix.rows() + rowEnd) {
            throw new IllegalArgumentException("out has " + out.length + " entries but " + batchSize
                    + " tokens of " + matrix.rows() + " rows need " + ((long) (batchSize - 1) * matrix.rows() + rowEnd));
        }
    }
}
