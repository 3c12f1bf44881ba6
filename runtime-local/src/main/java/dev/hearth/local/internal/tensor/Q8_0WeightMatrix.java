package dev.hearth.local.internal.tensor;

import static dev.hearth.local.internal.tensor.KernelSpecies.BYTES_32;
import static dev.hearth.local.internal.tensor.KernelSpecies.FLOAT;
import static dev.hearth.local.internal.tensor.KernelSpecies.FLOAT_LANES;

import dev.hearth.local.internal.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
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

    /**
     * Scalar on purpose: this is the embedding lookup, one row per token, too rare for C2 to compile for thousands of
     * tokens, and Vector API code that runs interpreted or in C1 allocates every vector it makes (150-200 KB per row
     * of 2048 measured, and tens of microseconds). Plain loops allocate nothing at any tier. {@code d·q} as in the
     * vector kernels and the scalar reference.
     */
    @Override
    void decodeRow(long rowOffset, float[] out, int offset) {
        for (int block = 0; block < blocksPerRow; block++) {
            long blockOffset = rowOffset + (long) block * BLOCK_BYTES;
            float scale = blockScale(blockOffset);
            long quantsAt = blockOffset + SCALE_BYTES;
            int blockStart = offset + block * BLOCK_VALUES;
            for (int j = 0; j < BLOCK_VALUES; j++) {
                out[blockStart + j] = scale * data.get(ValueLayout.JAVA_BYTE, quantsAt + j);
            }
        }
    }

    @Override
    float rowDot(long rowOffset, float[] x, int xOffset) {
        // Two accumulators, one per block parity, so consecutive blocks do not wait on each other's FMA. The block's
        // work is written out here rather than in a helper taking and returning vectors: C2 can compile such a helper
        // on its own first, and then refuses to inline it ("already compiled into a big method"); out of line its
        // vector arguments are boxed and every operation falls back to Java code, 230 KB allocated and 25-60 % slower
        // per decoded token, depending on compile order, so from one JVM to the next.
        // "even" takes the coming block, then the two swap roles (no branch on the parity).
        FloatVector even = FloatVector.zero(FLOAT);
        FloatVector odd = even;
        for (int block = 0; block < blocksPerRow; block++) {
            long blockOffset = rowOffset + (long) block * BLOCK_BYTES;
            int xIndex = xOffset + block * BLOCK_VALUES;
            ByteVector quants = loadQuants(blockOffset);
            FloatVector blockSum = widen(quants, 0).mul(FloatVector.fromArray(FLOAT, x, xIndex));
            for (int part = 1; part < PARTS_PER_BLOCK; part++) {
                blockSum = widen(quants, part).fma(FloatVector.fromArray(FLOAT, x, xIndex + part * FLOAT_LANES),
                        blockSum);
            }
            FloatVector next = blockSum.fma(FloatVector.broadcast(FLOAT, blockScale(blockOffset)), even);
            even = odd;
            odd = next;
        }
        // float addition is commutative, so which of the two holds the even blocks does not change the sum
        // lanes left to right, written out here: a helper taking the vector could stay out of line (KernelSpecies)
        FloatVector laneSums = even.add(odd);
        float inOrder = 0;
        for (int lane = 0; lane < KernelSpecies.FLOAT_LANES; lane++) {
            inOrder += laneSums.lane(lane);
        }
        return inOrder;
    }

    /**
     * {@link #rowDot} of one row with two consecutive tokens of a packed batch ({@code cols} floats apart), results
     * at {@code out[outIndex + k·rows]}. Each block's quants are loaded, widened and scaled once for both, which is
     * most of a block's work; each token's accumulators still see exactly {@link #rowDot}'s operations in its order
     * (even blocks into one sum, odd into the other, the same multiply and FMAs per part), so results are
     * bit-identical.
     */
    @Override
    void rowDotTokenPair(long rowOffset, float[] x, int xOffset, float[] out, int outIndex) {
        int x1 = xOffset + cols;
        // "even" accumulates the blocks of the coming block's parity, "odd" the others (they swap every block)
        FloatVector even0 = FloatVector.zero(FLOAT);
        FloatVector even1 = even0;
        FloatVector odd0 = even0;
        FloatVector odd1 = even0;
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
            // this block's parity sum takes the block, then the two swap roles: no branch on the parity, and
            // after the loop one of each pair holds the even blocks and the other the odd ones
            FloatVector next0 = sum0.fma(scale, even0);
            FloatVector next1 = sum1.fma(scale, even1);
            even0 = odd0;
            even1 = odd1;
            odd0 = next0;
            odd1 = next1;
        }
        // float addition is commutative, so which of the pair holds the even blocks does not change the sum
        // lanes left to right, written out here: a helper taking the vector could stay out of line (KernelSpecies)
        FloatVector laneSums1 = even0.add(odd0);
        float inOrder1 = 0;
        for (int lane = 0; lane < KernelSpecies.FLOAT_LANES; lane++) {
            inOrder1 += laneSums1.lane(lane);
        }
        out[outIndex] = inOrder1;
        // lanes left to right, written out here: a helper taking the vector could stay out of line (KernelSpecies)
        FloatVector laneSums2 = even1.add(odd1);
        float inOrder2 = 0;
        for (int lane = 0; lane < KernelSpecies.FLOAT_LANES; lane++) {
            inOrder2 += laneSums2.lane(lane);
        }
        out[outIndex + rows] = inOrder2;
    }

    @Override
    boolean decodesScaledPanels() {
        return PanelGemm.supported();
    }

    /** The quants as floats (exact) and d: {@link #rowDot} per block is (Σ q·x)·d, accumulated by block parity. */
    @Override
    void decodeScaledPanelRow(int row, int fromBlock, int toBlock, float[] tile, int tileAt, float[] scales,
                              int scaleAt) {
        long rowOffset = row * rowBytes;
        for (int block = fromBlock; block < toBlock; block++) {
            long blockOffset = rowOffset + (long) block * BLOCK_BYTES;
            int at = tileAt + (block - fromBlock) * BLOCK_VALUES;
            scales[scaleAt + block - fromBlock] = blockScale(blockOffset);
            ByteVector quants = loadQuants(blockOffset);
            for (int part = 0; part < PARTS_PER_BLOCK; part++) {
                widen(quants, part).intoArray(tile, at + part * FLOAT_LANES);
            }
        }
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
