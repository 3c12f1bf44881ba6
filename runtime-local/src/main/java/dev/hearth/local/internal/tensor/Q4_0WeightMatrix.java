package dev.hearth.local.internal.tensor;

import static dev.hearth.local.internal.tensor.KernelSpecies.BYTES_16;
import static dev.hearth.local.internal.tensor.KernelSpecies.FLOAT;
import static dev.hearth.local.internal.tensor.KernelSpecies.FLOAT_LANES;

import dev.hearth.local.internal.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q4_0 weights: blocks of 32 values in 18 bytes, an fp16 scale {@code d} followed by 16 bytes of packed nibbles.
 * Byte j holds value j in its low nibble and value j+16 in its high nibble, both stored with a bias of 8:
 * value j = d·((qs[j] &amp; 0x0F) − 8), value j+16 = d·((qs[j] &gt;&gt; 4) − 8).
 *
 * <p>Because the low nibbles are the first half of the block and the high nibbles the second, one 128-bit load of the
 * 16 packed bytes splits into two byte vectors (mask, and unsigned shift) that line up with x[0..16) and x[16..32)
 * without any shuffling. The −8 bias is removed on the bytes, before widening, and d is applied once per block.
 */
final class Q4_0WeightMatrix extends BlockWeightMatrix {
    private static final int BLOCK_VALUES = 32;
    private static final int HALF_BLOCK_VALUES = BLOCK_VALUES / 2;
    private static final int BLOCK_BYTES = 18;
    private static final int SCALE_BYTES = Short.BYTES;
    private static final byte NIBBLE_BIAS = 8;
    /** How many float vectors each half-block of 16 nibbles widens into (one with 512-bit floats). */
    private static final int PARTS_PER_HALF_BLOCK = HALF_BLOCK_VALUES / FLOAT_LANES;

    Q4_0WeightMatrix(MemorySegment data, int rows, int cols) {
        super(GgmlType.Q4_0, data, rows, cols);
    }

    /**
     * Scalar on purpose, like {@link Q8_0WeightMatrix}'s: the embedding lookup runs once per token, too rarely to be
     * compiled by C2 early, and interpreted or C1-compiled Vector API code allocates every vector it makes.
     * {@code d·(nibble − 8)} as in the vector kernels and the scalar reference.
     */
    @Override
    void decodeRow(long rowOffset, float[] out, int offset) {
        for (int block = 0; block < blocksPerRow; block++) {
            long blockOffset = rowOffset + (long) block * BLOCK_BYTES;
            float scale = blockScale(blockOffset);
            long nibblesAt = blockOffset + SCALE_BYTES;
            int blockStart = offset + block * BLOCK_VALUES;
            for (int j = 0; j < HALF_BLOCK_VALUES; j++) {
                int packed = data.get(ValueLayout.JAVA_BYTE, nibblesAt + j) & 0xFF;
                out[blockStart + j] = scale * ((packed & 0x0F) - 8);
                out[blockStart + j + HALF_BLOCK_VALUES] = scale * ((packed >>> 4) - 8);
            }
        }
    }

    @Override
    float rowDot(long rowOffset, float[] x, int xOffset) {
        // Two accumulators, one per block parity, so consecutive blocks do not wait on each other's FMA. The block's
        // work is written out here, not in a helper taking and returning vectors, for the reason given in
        // Q8_0WeightMatrix.rowDot (an out-of-line helper boxes every vector). "even" takes the coming block, then
        // the two swap roles.
        FloatVector even = FloatVector.zero(FLOAT);
        FloatVector odd = even;
        for (int block = 0; block < blocksPerRow; block++) {
            long blockOffset = rowOffset + (long) block * BLOCK_BYTES;
            int xIndex = xOffset + block * BLOCK_VALUES;
            ByteVector packed = loadPackedNibbles(blockOffset);
            ByteVector firstHalf = lowNibbles(packed);
            ByteVector secondHalf = highNibbles(packed);
            FloatVector blockSum = widen(firstHalf, 0).mul(FloatVector.fromArray(FLOAT, x, xIndex));
            blockSum = widen(secondHalf, 0).fma(FloatVector.fromArray(FLOAT, x, xIndex + HALF_BLOCK_VALUES),
                    blockSum);
            for (int part = 1; part < PARTS_PER_HALF_BLOCK; part++) {
                int xPart = xIndex + part * FLOAT_LANES;
                blockSum = widen(firstHalf, part).fma(FloatVector.fromArray(FLOAT, x, xPart), blockSum);
                blockSum = widen(secondHalf, part)
                        .fma(FloatVector.fromArray(FLOAT, x, xPart + HALF_BLOCK_VALUES), blockSum);
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
     * at {@code out[outIndex + k·rows]}. Each block's nibbles are unpacked, widened and scaled once for both, which
     * is most of a block's work; each token's accumulators still see exactly {@link #rowDot}'s operations in its order
     * (even blocks into one sum, odd into the other; per part the first half, then the second), so results are
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
            ByteVector packed = loadPackedNibbles(blockOffset);
            ByteVector firstHalf = lowNibbles(packed);
            ByteVector secondHalf = highNibbles(packed);
            FloatVector weights = widen(firstHalf, 0);
            FloatVector sum0 = weights.mul(FloatVector.fromArray(FLOAT, x, xOffset + column));
            FloatVector sum1 = weights.mul(FloatVector.fromArray(FLOAT, x, x1 + column));
            weights = widen(secondHalf, 0);
            int secondColumn = column + HALF_BLOCK_VALUES;
            sum0 = weights.fma(FloatVector.fromArray(FLOAT, x, xOffset + secondColumn), sum0);
            sum1 = weights.fma(FloatVector.fromArray(FLOAT, x, x1 + secondColumn), sum1);
            for (int part = 1; part < PARTS_PER_HALF_BLOCK; part++) {
                int partColumn = column + part * FLOAT_LANES;
                weights = widen(firstHalf, part);
                sum0 = weights.fma(FloatVector.fromArray(FLOAT, x, xOffset + partColumn), sum0);
                sum1 = weights.fma(FloatVector.fromArray(FLOAT, x, x1 + partColumn), sum1);
                weights = widen(secondHalf, part);
                int partSecond = partColumn + HALF_BLOCK_VALUES;
                sum0 = weights.fma(FloatVector.fromArray(FLOAT, x, xOffset + partSecond), sum0);
                sum1 = weights.fma(FloatVector.fromArray(FLOAT, x, x1 + partSecond), sum1);
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

    /** At 16 lanes a block is two parts, the low nibbles then the high ones: PanelGemm's column order. */
    @Override
    boolean decodesScaledPanels() {
        return PanelGemm.supported() && PARTS_PER_HALF_BLOCK == 1;
    }

    /** The nibbles minus 8 as floats (exact) and d: {@link #rowDot} per block is (Σ q·x)·d. */
    @Override
    void decodeScaledPanelRow(int row, int fromBlock, int toBlock, float[] tile, int tileAt, float[] scales,
                              int scaleAt) {
        long rowOffset = row * rowBytes;
        for (int block = fromBlock; block < toBlock; block++) {
            long blockOffset = rowOffset + (long) block * BLOCK_BYTES;
            int at = tileAt + (block - fromBlock) * BLOCK_VALUES;
            scales[scaleAt + block - fromBlock] = blockScale(blockOffset);
            ByteVector packed = loadPackedNibbles(blockOffset);
            widen(lowNibbles(packed), 0).intoArray(tile, at);
            widen(highNibbles(packed), 0).intoArray(tile, at + HALF_BLOCK_VALUES);
        }
    }

    private float blockScale(long blockOffset) {
        return Float.float16ToFloat(data.get(LittleEndian.SHORT, blockOffset));
    }

    private ByteVector loadPackedNibbles(long blockOffset) {
        return ByteVector.fromMemorySegment(BYTES_16, data, blockOffset + SCALE_BYTES, LittleEndian.ORDER);
    }

    /** Values 0..15 of the block, bias removed: −8..7. */
    private static ByteVector lowNibbles(ByteVector packed) {
        return packed.and((byte) 0x0F).sub(NIBBLE_BIAS);
    }

    /**
     * Values 16..31 of the block, bias removed. x86 has no byte shift, so a byte-lane LSHR compiles to widen, shift and
     * pack; shifting the same bits as int lanes is one instruction, and the mask drops what moved in from the next byte.
     */
    private static ByteVector highNibbles(ByteVector packed) {
        return packed.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes()
                .and((byte) 0x0F).sub(NIBBLE_BIAS);
    }

    /** Nibble values {@code part·FLOAT_LANES ..} of a half-block, converted to float lanes. */
    private static FloatVector widen(ByteVector nibbles, int part) {
        return (FloatVector) nibbles.convertShape(VectorOperators.B2F, FLOAT, part);
    }
}
