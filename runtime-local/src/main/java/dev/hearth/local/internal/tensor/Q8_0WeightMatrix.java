package dev.hearth.local.internal.tensor;

import static dev.hearth.local.internal.tensor.KernelSpecies.BYTES_32;
import static dev.hearth.local.internal.tensor.KernelSpecies.FLOAT;
import static dev.hearth.local.internal.tensor.KernelSpecies.FLOAT_LANES;

import dev.hearth.local.internal.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q8_0 weights: blocks of 32 values in 34 bytes, an fp16 scale {@code d} followed by 32 signed bytes {@code q};
 * value = d·q.
 *
 * <p>Per block the kernel loads the 32 quants in one 256-bit byte load, widens them to float lanes
 * ({@link #PARTS_PER_BLOCK} conversions, two with 512-bit floats), multiplies with x, and scales the block's partial
 * sums once by d — one multiply per block instead of one per value.
 */
final class Q8_0WeightMatrix extends BlockWeightMatrix {
    private static final int BLOCK_VALUES = 32;
    private static final int BLOCK_BYTES = 34;
    private static final int SCALE_BYTES = Short.BYTES;
    /** How many float vectors one block of 32 quants widens into. */
    private static final int PARTS_PER_BLOCK = BLOCK_VALUES / FLOAT_LANES;

    Q8_0WeightMatrix(MemorySegment data, int rows, int cols) {
        super(GgmlType.Q8_0, data, rows, cols);
    }

    @Override
    void decodeRow(long rowOffset, float[] out, int offset) {
        for (int block = 0; block < blocksPerRow; block++) {
            long blockOffset = rowOffset + (long) block * BLOCK_BYTES;
            FloatVector scale = FloatVector.broadcast(FLOAT, blockScale(blockOffset));
            ByteVector quants = loadQuants(blockOffset);
            int blockStart = offset + block * BLOCK_VALUES;
            for (int part = 0; part < PARTS_PER_BLOCK; part++) {
                widen(quants, part).mul(scale).intoArray(out, blockStart + part * FLOAT_LANES);
            }
        }
    }

    @Override
    float rowDot(long rowOffset, float[] x, int xOffset) {
        FloatVector sum = FloatVector.zero(FLOAT);
        for (int block = 0; block < blocksPerRow; block++) {
            sum = accumulateBlock(rowOffset + (long) block * BLOCK_BYTES, x, xOffset + block * BLOCK_VALUES, sum);
        }
        return KernelSpecies.sumLanesInOrder(sum);
    }

    /**
     * Four rows side by side: per block, each slice of x is loaded once and used by all four rows, and four row
     * streams are in flight. Per row the operations are exactly {@link #accumulateBlock}'s in its order, so the results
     * equal {@link #rowDot}'s bit for bit. Written out rather than calling a per-row helper: four calls to a helper
     * the JIT has already compiled on its own may not be inlined, and then every vector is boxed.
     */
    @Override
    void rowDotGroup(long rowOffset, float[] x, int xOffset, float[] out, int outIndex) {
        long row1 = rowOffset + rowBytes;
        long row2 = row1 + rowBytes;
        long row3 = row2 + rowBytes;
        FloatVector sum0 = FloatVector.zero(FLOAT);
        FloatVector sum1 = sum0;
        FloatVector sum2 = sum0;
        FloatVector sum3 = sum0;
        for (int block = 0; block < blocksPerRow; block++) {
            long blockOffset = (long) block * BLOCK_BYTES;
            int xIndex = xOffset + block * BLOCK_VALUES;
            ByteVector quants0 = loadQuants(rowOffset + blockOffset);
            ByteVector quants1 = loadQuants(row1 + blockOffset);
            ByteVector quants2 = loadQuants(row2 + blockOffset);
            ByteVector quants3 = loadQuants(row3 + blockOffset);
            FloatVector xPart = FloatVector.fromArray(FLOAT, x, xIndex);
            FloatVector blockSum0 = widen(quants0, 0).mul(xPart);
            FloatVector blockSum1 = widen(quants1, 0).mul(xPart);
            FloatVector blockSum2 = widen(quants2, 0).mul(xPart);
            FloatVector blockSum3 = widen(quants3, 0).mul(xPart);
            for (int part = 1; part < PARTS_PER_BLOCK; part++) {
                xPart = FloatVector.fromArray(FLOAT, x, xIndex + part * FLOAT_LANES);
                blockSum0 = widen(quants0, part).fma(xPart, blockSum0);
                blockSum1 = widen(quants1, part).fma(xPart, blockSum1);
                blockSum2 = widen(quants2, part).fma(xPart, blockSum2);
                blockSum3 = widen(quants3, part).fma(xPart, blockSum3);
            }
            sum0 = blockSum0.fma(FloatVector.broadcast(FLOAT, blockScale(rowOffset + blockOffset)), sum0);
            sum1 = blockSum1.fma(FloatVector.broadcast(FLOAT, blockScale(row1 + blockOffset)), sum1);
            sum2 = blockSum2.fma(FloatVector.broadcast(FLOAT, blockScale(row2 + blockOffset)), sum2);
            sum3 = blockSum3.fma(FloatVector.broadcast(FLOAT, blockScale(row3 + blockOffset)), sum3);
        }
        out[outIndex] = KernelSpecies.sumLanesInOrder(sum0);
        out[outIndex + 1] = KernelSpecies.sumLanesInOrder(sum1);
        out[outIndex + 2] = KernelSpecies.sumLanesInOrder(sum2);
        out[outIndex + 3] = KernelSpecies.sumLanesInOrder(sum3);
    }

    /**
     * {@link #rowDot} of one row with two consecutive tokens of a packed batch ({@code cols} floats apart), results
     * at {@code out[outIndex + k·rows]}. Each block's quants are loaded, widened and scaled once for both, which is
     * most of a block's work; each token's accumulator still sees exactly {@link #rowDot}'s operations in its order,
     * so results are bit-identical.
     */
    @Override
    void rowDotTokenPair(long rowOffset, float[] x, int xOffset, float[] out, int outIndex) {
        int x1 = xOffset + cols;
        FloatVector total0 = FloatVector.zero(FLOAT);
        FloatVector total1 = total0;
        for (int block = 0; block < blocksPerRow; block++) {
            long blockOffset = rowOffset + (long) block * BLOCK_BYTES;
            int column = block * BLOCK_VALUES;
            ByteVector quants = loadQuants(blockOffset);
            FloatVector weights = widen(quants, 0);
            FloatVector sum0 = weights.mul(FloatVector.fromArray(FLOAT, x, xOffset + column));
            FloatVector sum1 = weights.mul(FloatVector.fromArray(FLOAT, x, x1 + column));
            for (int part = 1; part < PARTS_PER_BLOCK; part++) {
                weights = widen(quants, part);
                int partColumn = column + part * FLOAT_LANES;
                sum0 = weights.fma(FloatVector.fromArray(FLOAT, x, xOffset + partColumn), sum0);
                sum1 = weights.fma(FloatVector.fromArray(FLOAT, x, x1 + partColumn), sum1);
            }
            FloatVector scale = FloatVector.broadcast(FLOAT, blockScale(blockOffset));
            total0 = sum0.fma(scale, total0);
            total1 = sum1.fma(scale, total1);
        }
        out[outIndex] = KernelSpecies.sumLanesInOrder(total0);
        out[outIndex + rows] = KernelSpecies.sumLanesInOrder(total1);
    }

    /** {@code sum + d · Σ_j q[j]·x[xIndex+j]}, lane-wise, for the block at {@code blockOffset}. */
    private FloatVector accumulateBlock(long blockOffset, float[] x, int xIndex, FloatVector sum) {
        ByteVector quants = loadQuants(blockOffset);
        FloatVector blockSum = widen(quants, 0).mul(FloatVector.fromArray(FLOAT, x, xIndex));
        for (int part = 1; part < PARTS_PER_BLOCK; part++) {
            blockSum = widen(quants, part).fma(FloatVector.fromArray(FLOAT, x, xIndex + part * FLOAT_LANES), blockSum);
        }
        return blockSum.fma(FloatVector.broadcast(FLOAT, blockScale(blockOffset)), sum);
    }

    private float blockScale(long blockOffset) {
        return Float.float16ToFloat(data.get(LittleEndian.SHORT, blockOffset));
    }

    private ByteVector loadQuants(long blockOffset) {
        return ByteVector.fromMemorySegment(BYTES_32, data, blockOffset + SCALE_BYTES, LittleEndian.ORDER);
    }

    /** Quants {@code part·FLOAT_LANES ..} of the block, sign-extended and converted to float lanes. */
    private static FloatVector widen(ByteVector quants, int part) {
        return (FloatVector) quants.convertShape(VectorOperators.B2F, FLOAT, part);
    }
}
