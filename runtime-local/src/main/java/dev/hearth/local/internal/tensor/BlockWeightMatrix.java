package dev.hearth.local.internal.tensor;

import dev.hearth.local.internal.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * What every weight matrix shares: the shape, the argument checks, and the row loops of matVec and matMul.
 * Each subclass supplies only its row kernels. The per-block work stays inside each final subclass's
 * {@link #rowDot}, so the JIT compiles and inlines it per format; only the once-per-row call is virtual, which keeps
 * the vectors in registers even when a model mixes formats (Q4_K_M holds Q4_K and Q6_K tensors).
 */
abstract sealed class BlockWeightMatrix implements WeightMatrix
        permits F32WeightMatrix, F16WeightMatrix, Bf16WeightMatrix, Q8_0WeightMatrix, Q4_0WeightMatrix, Q4_1WeightMatrix, Q5_0WeightMatrix, Q5_1WeightMatrix, Q2_KWeightMatrix, Q3_KWeightMatrix,
                Q4_KWeightMatrix, Q5_KWeightMatrix, Q6_KWeightMatrix {
    final MemorySegment data;
    private final GgmlType type;
    final int rows;
    final int cols;
    /** Blocks in one row. */
    final int blocksPerRow;
    final long rowBytes;

    BlockWeightMatrix(GgmlType type, MemorySegment data, int rows, int cols) {
        this.type = type;
        this.data = data;
        this.rows = rows;
        this.cols = cols;
        this.blocksPerRow = cols / type.blockSize();
        this.rowBytes = (long) blocksPerRow * type.blockBytes();
    }

    @Override
    public final GgmlType type() {
        return type;
    }

    @Override
    public final int rows() {
        return rows;
    }

    @Override
    public final int cols() {
        return cols;
    }

    @Override
    public final float dot(int row, float[] x, int xOffset) {
        MatrixArguments.checkDot(this, row, x, xOffset);
        return rowDot(row * rowBytes, x, xOffset);
    }

    @Override
    public final void matVec(float[] x, float[] out, int rowStart, int rowEnd) {
        MatrixArguments.checkMatVec(this, x, out, rowStart, rowEnd);
        for (int row = rowStart; row < rowEnd; row++) {
            out[row] = rowDot(row * rowBytes, x, 0);
        }
    }

    @Override
    public final void matMul(float[] inputs, int batchSize, float[] out, int rowStart, int rowEnd) {
        MatrixArguments.checkMatMul(this, inputs, batchSize, out, rowStart, rowEnd);
        if (batchSize >= PanelGemm.MIN_TOKENS && (decodesScaledPanels() || decodesAffinePanels())) {
            PanelGemm.DEFAULT.multiply(this, inputs, batchSize, out, rowStart, rowEnd);
        } else {
            matMulRows(inputs, batchSize, out, rowStart, rowEnd);
        }
    }

    /**
     * {@link #matMul} by the row kernels: rows a cache tile at a time, each tile applied to every token, two tokens
     * per call where the format shares their block decoding. Arguments already checked.
     */
    final void matMulRows(float[] inputs, int batchSize, float[] out, int rowStart, int rowEnd) {
        int tileRows = MatrixArguments.matMulTileRows(rowBytes);
        for (int tileStart = rowStart; tileStart < rowEnd; tileStart += tileRows) {
            int tileEnd = Math.min(rowEnd, tileStart + tileRows);
            int token = 0;
            for (; token + 2 <= batchSize; token += 2) {
                for (int row = tileStart; row < tileEnd; row++) {
                    rowDotTokenPair(row * rowBytes, inputs, token * cols, out, token * rows + row);
                }
            }
            for (; token < batchSize; token++) {
                int inputOffset = token * cols;
                int outOffset = token * rows;
                for (int row = tileStart; row < tileEnd; row++) {
                    out[outOffset + row] = rowDot(row * rowBytes, inputs, inputOffset);
                }
            }
        }
    }

    @Override
    public final void dequantizeRow(int row, float[] out, int offset) {
        MatrixArguments.checkDequantizeRow(this, row, out, offset);
        decodeRow(row * rowBytes, out, offset);
    }

    /** {@code Σ_j row[j]·x[xOffset+j]} for the row starting at byte {@code rowOffset}; arguments already checked. */
    abstract float rowDot(long rowOffset, float[] x, int xOffset);

    /**
     * {@link #rowDot} of one row with two consecutive tokens of a packed batch ({@code cols} floats apart), results at
     * {@code out[outIndex]} and {@code out[outIndex + rows]}. Formats whose block decoding is worth sharing between
     * the two tokens override it; the results must equal two {@code rowDot} calls bit for bit.
     */
    void rowDotTokenPair(long rowOffset, float[] x, int xOffset, float[] out, int outIndex) {
        out[outIndex] = rowDot(rowOffset, x, xOffset);
        out[outIndex + rows] = rowDot(rowOffset, x, xOffset + cols);
    }

    /**
     * Whether {@link #decodeScaledPanelRow} holds for this matrix on this machine, so that {@link PanelGemm} can run
     * its batched products: the format's {@link #rowDot} must be, per 32-value block, the unscaled weights' dot product
     * with x in {@link PanelGemm}'s order, scaled by one factor and accumulated by parity of the block.
     */
    boolean decodesScaledPanels() {
        return false;
    }

    /**
     * Writes blocks {@code [fromBlock, toBlock)} of {@code row} for {@link PanelGemm}: the unscaled weights as floats
     * to {@code tile[tileAt ..]} (32 per block, in column order) and each block's scale to {@code scales[scaleAt ..]},
     * such that {@link #rowDot} is exactly PanelGemm's arithmetic on them. Only called when
     * {@link #decodesScaledPanels()}.
     */
    void decodeScaledPanelRow(int row, int fromBlock, int toBlock, float[] tile, int tileAt, float[] scales,
                              int scaleAt) {
        throw new UnsupportedOperationException(type + " has no scaled panel decoding");
    }

    /**
     * Whether {@link #decodeAffinePanelRow} holds for this matrix on this machine: the format's {@link #rowDot} must
     * form each weight as a float first and accumulate {@code fma(w, x, acc)} 16 values at a time in column order, into
     * one of two chains by the parity of the 32-value sub-block, the lanes of their sum added left to right.
     */
    boolean decodesAffinePanels() {
        return false;
    }

    /**
     * Writes the weights of 32-value sub-blocks {@code [fromSubBlock, toSubBlock)} of {@code row} to
     * {@code tile[tileAt ..]}, exactly as {@link #rowDot} forms them. Only called when {@link #decodesAffinePanels()}.
     */
    void decodeAffinePanelRow(int row, int fromSubBlock, int toSubBlock, float[] tile, int tileAt) {
        throw new UnsupportedOperationException(type + " has no affine panel decoding");
    }

    /** Writes the row starting at byte {@code rowOffset} to {@code out[offset ..]}; arguments already checked. */
    abstract void decodeRow(long rowOffset, float[] out, int offset);

    /** The unsigned byte at {@code at}. */
    final int unsignedByte(long at) {
        return data.get(ValueLayout.JAVA_BYTE, at) & 0xFF;
    }

    /** The fp16 at byte {@code at}, as a float. */
    final float half(long at) {
        return Float.float16ToFloat(data.get(LittleEndian.SHORT, at));
    }
}
