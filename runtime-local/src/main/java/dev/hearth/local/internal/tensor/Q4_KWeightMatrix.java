package dev.hearth.local.internal.tensor;

import static dev.hearth.local.internal.tensor.KernelSpecies.FLOAT;
import static dev.hearth.local.internal.tensor.KernelSpecies.FLOAT_LANES;

import dev.hearth.local.internal.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Q4_K weights: super-blocks of 256 values in 144 bytes: fp16 {@code d} and {@code dmin}, 12 bytes of 6-bit
 * sub-block scales and mins ({@link KQuantScales}), then 128 nibble bytes. Chunk c (64 values) is bytes 32c..32c+31:
 * the low nibbles are sub-block 2c, the high nibbles sub-block 2c+1, and value = (d·scale)·q − dmin·min.
 *
 * <p>The dot kernels load a chunk's nibbles 16 bytes at a time, and one 64-bit-lane shift and two masks split them
 * into the two sub-blocks' quants (x86 has no byte shift, which the Vector API would emulate with several
 * instructions); with 16-lane floats each half then widens to exactly one float vector, without the lane shuffling
 * that widening the upper half of a 32-byte vector takes. The low sub-blocks accumulate into one vector and the high
 * ones into another, so two FMA chains run side by side.
 *
 * <p>The weights are formed as {@code q·(d·scale) − dmin·min} before they meet x (two FMAs per lane). Factoring the
 * min out ({@code d·scale·Σ q·x − dmin·min·Σ x}) saves one FMA per lane but costs two per 32-value sub-block plus
 * the sums of x: with 16-lane floats a sub-block is only two vectors, so it measured no faster here (it wins with
 * narrower vectors). matVec keeps the default {@link BlockWeightMatrix#rowDotGroup} (four {@link #rowDot} calls):
 * this kernel is bound by arithmetic, not memory, and four rows written out side by side exceed C2's inlining node
 * budget, after which the vector steps stay calls and every vector is boxed (twenty times slower). See
 * docs/performance/k-quants.md.
 */
final class Q4_KWeightMatrix extends BlockWeightMatrix {
    static final int SUPER_BLOCK_VALUES = 256;
    static final int SUB_BLOCK_VALUES = 32;
    static final int CHUNKS = 4;
    private static final int BLOCK_BYTES = 144;
    private static final int SCALES_AT = 4;
    private static final int NIBBLES_AT = 16;
    /** Nibble bytes per load: 16 values of each of a chunk's two sub-blocks. */
    private static final int LOAD_BYTES = 16;
    private static final int LOADS_PER_CHUNK = SUB_BLOCK_VALUES / LOAD_BYTES;
    /** Float vectors per load: 1, 2 or 4. */
    private static final int PARTS_PER_LOAD = QuantLanes.PARTS_PER_16_VALUES;
    /** Sixteen nibble bytes as two 64-bit lanes, for the shift (x86 has no byte shift). */
    private static final VectorSpecies<Long> LONGS_16_BYTES = LongVector.SPECIES_128;
    private static final long LOW_NIBBLES = 0x0F0F0F0F0F0F0F0FL;

    Q4_KWeightMatrix(MemorySegment data, int rows, int cols) {
        super(GgmlType.Q4_K, data, rows, cols);
    }

    @Override
    float rowDot(long rowOffset, float[] x, int xOffset) {
        FloatVector evenSubBlocks = FloatVector.zero(FLOAT);
        FloatVector oddSubBlocks = FloatVector.zero(FLOAT);
        for (int block = 0; block < blocksPerRow; block++) {
            long at = rowOffset + (long) block * BLOCK_BYTES;
            // The 16-byte header as two little-endian longs: d, dmin and scale bytes 0..3, then scale bytes 4..11.
            long head = data.get(LittleEndian.LONG, at);
            long tail = data.get(LittleEndian.LONG, at + 8);
            float d = Float.float16ToFloat((short) head);
            float dMin = Float.float16ToFloat((short) (head >>> 16));
            long scales = KQuantScales.sixBitScales(head >>> 32 | tail << 32, (int) (tail >>> 32));
            long mins = KQuantScales.sixBitMins(head >>> 32 | tail << 32, (int) (tail >>> 32));
            for (int chunk = 0; chunk < CHUNKS; chunk++) {
                int xIndex = xOffset + block * SUPER_BLOCK_VALUES + chunk * 2 * SUB_BLOCK_VALUES;
                int even = 2 * chunk;
                FloatVector evenScale = FloatVector.broadcast(FLOAT, scale(scales, d, even));
                FloatVector evenOffset = FloatVector.broadcast(FLOAT, minOffset(mins, dMin, even));
                FloatVector oddScale = FloatVector.broadcast(FLOAT, scale(scales, d, even + 1));
                FloatVector oddOffset = FloatVector.broadcast(FLOAT, minOffset(mins, dMin, even + 1));
                long nibbles = at + NIBBLES_AT + (long) chunk * SUB_BLOCK_VALUES;
                for (int load = 0; load < LOADS_PER_CHUNK; load++) {
                    LongVector packed = load16(nibbles + load * LOAD_BYTES);
                    ByteVector evenQuants = packed.and(LOW_NIBBLES).reinterpretAsBytes();
                    ByteVector oddQuants =
                            packed.lanewise(VectorOperators.LSHR, 4).and(LOW_NIBBLES).reinterpretAsBytes();
                    for (int part = 0; part < PARTS_PER_LOAD; part++) {
                        int xPart = xIndex + load * LOAD_BYTES + part * FLOAT_LANES;
                        evenSubBlocks =
                                affinePart(evenQuants, part, evenScale, evenOffset, x, xPart, evenSubBlocks);
                        oddSubBlocks = affinePart(oddQuants, part, oddScale, oddOffset, x,
                                xPart + SUB_BLOCK_VALUES, oddSubBlocks);
                    }
                }
            }
        }
        // lanes left to right, written out here: a helper taking the vector could stay out of line (KernelSpecies)
        FloatVector laneSums = evenSubBlocks.add(oddSubBlocks);
        float inOrder = 0;
        for (int lane = 0; lane < KernelSpecies.FLOAT_LANES; lane++) {
            inOrder += laneSums.lane(lane);
        }
        return inOrder;
    }

    /**
     * {@link #rowDot} of one row with two consecutive tokens of a packed batch ({@code cols} floats apart), results
     * at {@code out[outIndex + k·rows]}. The nibbles are unpacked, widened and turned into weights once for both
     * tokens, which is most of the work; each token's accumulators see exactly {@link #rowDot}'s operations in its
     * order, so the results are bit-identical.
     */
    @Override
    void rowDotTokenPair(long rowOffset, float[] x, int xOffset, float[] out, int outIndex) {
        int x1Offset = xOffset + cols;
        FloatVector evenSubBlocksA = FloatVector.zero(FLOAT);
        FloatVector oddSubBlocksA = evenSubBlocksA;
        FloatVector evenSubBlocksB = evenSubBlocksA;
        FloatVector oddSubBlocksB = evenSubBlocksA;
        for (int block = 0; block < blocksPerRow; block++) {
            long at = rowOffset + (long) block * BLOCK_BYTES;
            // The 16-byte header as two little-endian longs: d, dmin and scale bytes 0..3, then scale bytes 4..11.
            long head = data.get(LittleEndian.LONG, at);
            long tail = data.get(LittleEndian.LONG, at + 8);
            float d = Float.float16ToFloat((short) head);
            float dMin = Float.float16ToFloat((short) (head >>> 16));
            long scales = KQuantScales.sixBitScales(head >>> 32 | tail << 32, (int) (tail >>> 32));
            long mins = KQuantScales.sixBitMins(head >>> 32 | tail << 32, (int) (tail >>> 32));
            for (int chunk = 0; chunk < CHUNKS; chunk++) {
                int column = block * SUPER_BLOCK_VALUES + chunk * 2 * SUB_BLOCK_VALUES;
                int even = 2 * chunk;
                FloatVector evenScale = FloatVector.broadcast(FLOAT, scale(scales, d, even));
                FloatVector evenOffset = FloatVector.broadcast(FLOAT, minOffset(mins, dMin, even));
                FloatVector oddScale = FloatVector.broadcast(FLOAT, scale(scales, d, even + 1));
                FloatVector oddOffset = FloatVector.broadcast(FLOAT, minOffset(mins, dMin, even + 1));
                long nibbles = at + NIBBLES_AT + (long) chunk * SUB_BLOCK_VALUES;
                for (int load = 0; load < LOADS_PER_CHUNK; load++) {
                    LongVector packed = load16(nibbles + load * LOAD_BYTES);
                    ByteVector evenQuants = packed.and(LOW_NIBBLES).reinterpretAsBytes();
                    ByteVector oddQuants =
                            packed.lanewise(VectorOperators.LSHR, 4).and(LOW_NIBBLES).reinterpretAsBytes();
                    for (int part = 0; part < PARTS_PER_LOAD; part++) {
                        int evenColumn = column + load * LOAD_BYTES + part * FLOAT_LANES;
                        int oddColumn = evenColumn + SUB_BLOCK_VALUES;
                        FloatVector evenWeights = widenPart(evenQuants, part).fma(evenScale, evenOffset);
                        FloatVector oddWeights = widenPart(oddQuants, part).fma(oddScale, oddOffset);
                        evenSubBlocksA = evenWeights.fma(FloatVector.fromArray(FLOAT, x, xOffset + evenColumn),
                                evenSubBlocksA);
                        evenSubBlocksB = evenWeights.fma(FloatVector.fromArray(FLOAT, x, x1Offset + evenColumn),
                                evenSubBlocksB);
                        oddSubBlocksA = oddWeights.fma(FloatVector.fromArray(FLOAT, x, xOffset + oddColumn),
                                oddSubBlocksA);
                        oddSubBlocksB = oddWeights.fma(FloatVector.fromArray(FLOAT, x, x1Offset + oddColumn),
                                oddSubBlocksB);
                    }
                }
            }
        }
        // lanes left to right, written out here: a helper taking the vector could stay out of line (KernelSpecies)
        FloatVector laneSums1 = evenSubBlocksA.add(oddSubBlocksA);
        float inOrder1 = 0;
        for (int lane = 0; lane < KernelSpecies.FLOAT_LANES; lane++) {
            inOrder1 += laneSums1.lane(lane);
        }
        out[outIndex] = inOrder1;
        // lanes left to right, written out here: a helper taking the vector could stay out of line (KernelSpecies)
        FloatVector laneSums2 = evenSubBlocksB.add(oddSubBlocksB);
        float inOrder2 = 0;
        for (int lane = 0; lane < KernelSpecies.FLOAT_LANES; lane++) {
            inOrder2 += laneSums2.lane(lane);
        }
        out[outIndex + rows] = inOrder2;
    }

    /**
     * Scalar, like Q8_0's: this runs once per token (the embedding lookup), so C2 compiles it only after thousands of
     * tokens, and until then Vector API code allocates every vector it makes. Same values as the vector kernels:
     * scale·q + offset, multiplied and added separately.
     */
    @Override
    void decodeRow(long rowOffset, float[] out, int offset) {
        for (int block = 0; block < blocksPerRow; block++) {
            long at = rowOffset + (long) block * BLOCK_BYTES;
            float d = half(at);
            float dMin = half(at + 2);
            KQuantScales.Packed packedScales = KQuantScales.Packed.read(data, at + SCALES_AT);
            long scales = KQuantScales.sixBitScales(packedScales.first8(), packedScales.last4());
            long mins = KQuantScales.sixBitMins(packedScales.first8(), packedScales.last4());
            for (int chunk = 0; chunk < CHUNKS; chunk++) {
                int outIndex = offset + block * SUPER_BLOCK_VALUES + chunk * 2 * SUB_BLOCK_VALUES;
                int even = 2 * chunk;
                float evenScale = scale(scales, d, even);
                float evenOffset = minOffset(mins, dMin, even);
                float oddScale = scale(scales, d, even + 1);
                float oddOffset = minOffset(mins, dMin, even + 1);
                long nibblesAt = at + NIBBLES_AT + (long) chunk * SUB_BLOCK_VALUES;
                for (int l = 0; l < SUB_BLOCK_VALUES; l++) {
                    int packed = data.get(ValueLayout.JAVA_BYTE, nibblesAt + l) & 0xFF;
                    out[outIndex + l] = evenScale * (packed & 0x0F) + evenOffset;
                    out[outIndex + SUB_BLOCK_VALUES + l] = oddScale * (packed >>> 4) + oddOffset;
                }
            }
        }
    }

    @Override
    boolean decodesAffinePanels() {
        return PanelGemm.supported();
    }

    /**
     * The weights {@link #rowDot} forms, {@code fma(q, d·scale, −dmin·min)}, with its own vector steps (same
     * operations, so the same bits): a chunk's 32 bytes hold sub-block 2c in their low nibbles and 2c+1 in their high
     * ones. {@link PanelGemm} slices start and end on even sub-blocks, so on whole chunks.
     */
    @Override
    void decodeAffinePanelRow(int row, int fromSubBlock, int toSubBlock, float[] tile, int tileAt) {
        long rowOffset = row * rowBytes;
        int out = tileAt;
        for (int chunkIndex = fromSubBlock / 2; chunkIndex < toSubBlock / 2; chunkIndex++) {
            long at = rowOffset + (long) (chunkIndex / CHUNKS) * BLOCK_BYTES;
            int chunk = chunkIndex % CHUNKS;
            long head = data.get(LittleEndian.LONG, at);
            long tail = data.get(LittleEndian.LONG, at + 8);
            float d = Float.float16ToFloat((short) head);
            float dMin = Float.float16ToFloat((short) (head >>> 16));
            long scales = KQuantScales.sixBitScales(head >>> 32 | tail << 32, (int) (tail >>> 32));
            long mins = KQuantScales.sixBitMins(head >>> 32 | tail << 32, (int) (tail >>> 32));
            int even = 2 * chunk;
            FloatVector evenScale = FloatVector.broadcast(FLOAT, scale(scales, d, even));
            FloatVector evenOffset = FloatVector.broadcast(FLOAT, minOffset(mins, dMin, even));
            FloatVector oddScale = FloatVector.broadcast(FLOAT, scale(scales, d, even + 1));
            FloatVector oddOffset = FloatVector.broadcast(FLOAT, minOffset(mins, dMin, even + 1));
            long nibbles = at + NIBBLES_AT + (long) chunk * SUB_BLOCK_VALUES;
            for (int load = 0; load < LOADS_PER_CHUNK; load++) {
                LongVector packed = load16(nibbles + load * LOAD_BYTES);
                ByteVector evenQuants = packed.and(LOW_NIBBLES).reinterpretAsBytes();
                ByteVector oddQuants = packed.lanewise(VectorOperators.LSHR, 4).and(LOW_NIBBLES).reinterpretAsBytes();
                for (int part = 0; part < PARTS_PER_LOAD; part++) {
                    int column = out + load * LOAD_BYTES + part * FLOAT_LANES;
                    widenPart(evenQuants, part).fma(evenScale, evenOffset).intoArray(tile, column);
                    widenPart(oddQuants, part).fma(oddScale, oddOffset).intoArray(tile, column + SUB_BLOCK_VALUES);
                }
            }
            out += 2 * SUB_BLOCK_VALUES;
        }
    }

    /** d·scale of sub-block {@code subBlock}, {@code scales} from {@link KQuantScales#sixBitScales}. */
    private static float scale(long scales, float d, int subBlock) {
        return d * ((int) (scales >>> 8 * subBlock) & 0xFF);
    }

    /**
     * −dmin·min of sub-block {@code subBlock}, {@code mins} from {@link KQuantScales#sixBitMins}: added rather than
     * subtracted, which is the same IEEE operation.
     */
    private static float minOffset(long mins, float dMin, int subBlock) {
        return -(dMin * ((int) (mins >>> 8 * subBlock) & 0xFF));
    }

    // Private copies of the kernel steps, not shared helpers: see QuantLanes for why.

    private static FloatVector widenPart(ByteVector quants, int part) {
        return (FloatVector) quants.convertShape(VectorOperators.B2F, FLOAT, part);
    }

    /** {@code sum + (q·scale + offset)·x} for float part {@code part} of {@code quants}. */
    private static FloatVector affinePart(ByteVector quants, int part, FloatVector scale, FloatVector offset,
            float[] x, int xIndex, FloatVector sum) {
        return widenPart(quants, part).fma(scale, offset).fma(FloatVector.fromArray(FLOAT, x, xIndex), sum);
    }

    private LongVector load16(long at) {
        return LongVector.fromMemorySegment(LONGS_16_BYTES, data, at, LittleEndian.ORDER);
    }
}
