package dev.hearth.local.internal.tensor;

import static dev.hearth.local.internal.tensor.KernelSpecies.BYTES_32;
import static dev.hearth.local.internal.tensor.KernelSpecies.FLOAT;
import static dev.hearth.local.internal.tensor.KernelSpecies.FLOAT_LANES;

import dev.hearth.local.internal.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

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
    /**
     * Bytes loaded per part by the four-row kernel: one byte per float lane. (The 64-bit floor only keeps the species
     * valid with 128-bit floats, where {@link #rowDotGroup} does not use it.)
     */
    private static final VectorSpecies<Byte> PART_BYTES =
            ByteVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(Math.max(64, FLOAT_LANES * Byte.SIZE)));

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
        if (FLOAT_LANES < Long.BYTES) {
            // with 128-bit floats a part is 4 bytes, less than the smallest byte vector: the last part's load would
            // reach past the block (and past the end of the last row)
            super.rowDotGroup(rowOffset, x, xOffset, out, outIndex);
            return;
        }
        long row1 = rowOffset + rowBytes;
        long row2 = row1 + rowBytes;
        long row3 = row2 + rowBytes;
        FloatVector sum0 = FloatVector.zero(FLOAT);
        FloatVector sum1 = sum0;
        FloatVector sum2 = sum0;
        FloatVector sum3 = sum0;
        for (int block = 0; block < blocksPerRow; block++) {
            long quantsAt = (long) block * BLOCK_BYTES + SCALE_BYTES;
            int xIndex = xOffset + block * BLOCK_VALUES;
            FloatVector xPart = FloatVector.fromArray(FLOAT, x, xIndex);
            FloatVector blockSum0 = widenPart(rowOffset + quantsAt).mul(xPart);
            FloatVector blockSum1 = widenPart(row1 + quantsAt).mul(xPart);
            FloatVector blockSum2 = widenPart(row2 + quantsAt).mul(xPart);
            FloatVector blockSum3 = widenPart(row3 + quantsAt).mul(xPart);
            for (int part = 1; part < PARTS_PER_BLOCK; part++) {
                long partAt = quantsAt + part * FLOAT_LANES;
                xPart = FloatVector.fromArray(FLOAT, x, xIndex + part * FLOAT_LANES);
                blockSum0 = widenPart(rowOffset + partAt).fma(xPart, blockSum0);
                blockSum1 = widenPart(row1 + partAt).fma(xPart, blockSum1);
                blockSum2 = widenPart(row2 + partAt).fma(xPart, blockSum2);
                blockSum3 = widenPart(row3 + partAt).fma(xPart, blockSum3);
            }
            long scaleAt = quantsAt - SCALE_BYTES;
            sum0 = blockSum0.fma(FloatVector.broadcast(FLOAT, blockScale(rowOffset + scaleAt)), sum0);
            sum1 = blockSum1.fma(FloatVector.broadcast(FLOAT, blockScale(row1 + scaleAt)), sum1);
            sum2 = blockSum2.fma(FloatVector.broadcast(FLOAT, blockScale(row2 + scaleAt)), sum2);
            sum3 = blockSum3.fma(FloatVector.broadcast(FLOAT, blockScale(row3 + scaleAt)), sum3);
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

    /**
     * {@link KernelSpecies#FLOAT_LANES} quants at byte {@code at}, sign-extended to float lanes: a load of exactly one
     * part converted from its first lane. Converting lane 0 keeps the JIT's graph small; {@link #widen} with a
     * non-zero part costs enough nodes that a four-row kernel hit C2's inlining cutoff and boxed its vectors.
     */
    private FloatVector widenPart(long at) {
        return (FloatVector) ByteVector.fromMemorySegment(PART_BYTES, data, at, LittleEndian.ORDER)
                .convertShape(VectorOperators.B2F, FLOAT, 0);
    }

    /** Quants {@code part·FLOAT_LANES ..} of the block, sign-extended and converted to float lanes. */
    private static FloatVector widen(ByteVector quants, int part) {
        return (FloatVector) quants.convertShape(VectorOperators.B2F, FLOAT, part);
    }
}
