package dev.hearth.local.internal.tensor;

import dev.hearth.local.internal.gguf.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Random;

/**
 * Builds weight data for the kernel tests: random blocks laced with the extreme cases (tiny, huge, zero and negative
 * fp16 scales; all-zero and ±max quants), placed either at an 8-byte-aligned address or one byte past it.
 */
final class TestMatrices {
    static final ValueLayout.OfShort LE_SHORT =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat LE_FLOAT =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Where in memory the matrix data starts. */
    enum Placement {
        ALIGNED(0),
        ODD_BYTE_OFFSET(1);

        final long shift;

        Placement(long shift) {
            this.shift = shift;
        }
    }

    /** fp16 block scales worth testing: smallest subnormal, smallest normal, largest finite, zeros, negatives. */
    static final List<Short> EXTREME_SCALES = List.of(
            (short) 0x0001, // 2^-24, the smallest half subnormal
            (short) 0x0400, // 2^-14, the smallest half normal
            (short) 0x7BFF, // 65504, the largest half
            (short) 0xFBFF, // -65504
            (short) 0x0000, // +0
            (short) 0x8000); // -0

    private TestMatrices() {}

    static MemorySegment allocate(Arena arena, long bytes, Placement placement) {
        return arena.allocate(bytes + 8, 8).asSlice(placement.shift, bytes);
    }

    /** A rows × cols matrix of {@code type} filled with random values and extreme cases. */
    static MemorySegment build(Arena arena, GgmlType type, int rows, int cols, Placement placement, long seed) {
        Random random = new Random(seed);
        MemorySegment data = allocate(arena, rows * type.bytesFor(cols), placement);
        long elements = (long) rows * cols;
        switch (type) {
            case F32 -> {
                for (long i = 0; i < elements; i++) {
                    data.set(LE_FLOAT, i * 4, randomWideRangeFloat(random));
                }
            }
            case F16 -> {
                for (long i = 0; i < elements; i++) {
                    data.set(LE_SHORT, i * 2, randomFiniteHalf(random, i));
                }
            }
            case BF16 -> {
                for (long i = 0; i < elements; i++) {
                    int floatBits = Float.floatToRawIntBits(randomWideRangeFloat(random));
                    data.set(LE_SHORT, i * 2, (short) (floatBits >>> 16));
                }
            }
            case Q8_0 -> fillQ8_0(data, elements / 32, random);
            case Q4_0 -> fillQ4_0(data, elements / 32, random);
            case Q4_1, Q5_0, Q5_1, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K ->
                    fillBlocks(data, type, elements / type.blockSize(), random);
            default -> throw new IllegalArgumentException("no test data for " + type);
        }
        return data;
    }

    static float[] randomVector(int length, long seed) {
        Random random = new Random(seed);
        float[] values = new float[length];
        for (int i = 0; i < length; i++) {
            values[i] = random.nextFloat() * 2 - 1;
        }
        return values;
    }

    /** ± mantissa × 10^[-15, 15]: wide enough to exercise exponents, small enough that float sums cannot overflow. */
    private static float randomWideRangeFloat(Random random) {
        float magnitude = (float) ((0.1 + random.nextDouble()) * Math.pow(10, random.nextInt(31) - 15));
        return random.nextBoolean() ? magnitude : -magnitude;
    }

    /** Every 7th value an extreme half (subnormal, largest, zeros), otherwise any finite bit pattern. */
    private static short randomFiniteHalf(Random random, long index) {
        if (index % 7 == 0) {
            return EXTREME_SCALES.get((int) (index / 7 % EXTREME_SCALES.size()));
        }
        int bits = random.nextInt(0x10000);
        if ((bits & 0x7C00) == 0x7C00) {
            bits &= ~0x4000; // exponent 31 means infinity or NaN: pull it down to a finite value
        }
        return (short) bits;
    }

    /** Scale for block {@code block}: cycles through the extremes, interleaved with typical small random scales. */
    private static short blockScale(long block, Random random) {
        if (block % 2 == 0) {
            return EXTREME_SCALES.get((int) (block / 2 % EXTREME_SCALES.size()));
        }
        float typical = (random.nextFloat() * 0.05f + 1e-4f) * (random.nextBoolean() ? 1 : -1);
        return Float.floatToFloat16(typical);
    }

    private static void fillQ8_0(MemorySegment data, long blocks, Random random) {
        for (long block = 0; block < blocks; block++) {
            long offset = block * 34;
            data.set(LE_SHORT, offset, blockScale(block, random));
            int pattern = (int) (block % 5);
            for (int j = 0; j < 32; j++) {
                byte quant = switch (pattern) {
                    case 0 -> 0; // all-zero quants
                    case 1 -> 127; // +max
                    case 2 -> -128; // -max
                    case 3 -> (byte) (j % 2 == 0 ? 127 : -128); // alternating extremes
                    default -> (byte) random.nextInt(256);
                };
                data.set(ValueLayout.JAVA_BYTE, offset + 2 + j, quant);
            }
        }
    }

    private static void fillQ4_0(MemorySegment data, long blocks, Random random) {
        for (long block = 0; block < blocks; block++) {
            long offset = block * 18;
            data.set(LE_SHORT, offset, blockScale(block, random));
            int pattern = (int) (block % 6);
            for (int j = 0; j < 16; j++) {
                int packed = switch (pattern) {
                    case 0 -> 0x00; // raw zero bytes: every value -8
                    case 1 -> 0x88; // every value 0
                    case 2 -> 0xFF; // every value +7
                    case 3 -> 0x0F; // low nibbles +7, high nibbles -8
                    case 4 -> 0xF0; // low nibbles -8, high nibbles +7
                    default -> random.nextInt(256);
                };
                data.set(ValueLayout.JAVA_BYTE, offset + 2 + j, (byte) packed);
            }
        }
    }

    /** Where each format keeps its fp16 super-scales (d, and dmin or m where it has one) within a block. */
    static int[] halfFieldOffsets(GgmlType type) {
        return switch (type) {
            case Q5_0 -> new int[] {0};
            case Q4_1, Q5_1, Q4_K, Q5_K -> new int[] {0, 2};
            case Q2_K -> new int[] {80, 82};
            case Q3_K -> new int[] {108};
            case Q6_K -> new int[] {208};
            default -> throw new IllegalArgumentException("no fp16 field table for " + type);
        };
    }

    /**
     * Any block format: every byte that is not an fp16 super-scale (quants, high bits, packed sub-block scales)
     * follows a per-block pattern — all zero bits, all one bits (every quant and sub-scale at its maximum), the two
     * alternating nibble and bit patterns, or random — and the fp16 fields cycle through the extreme scales
     * interleaved with typical ones, d and its companion out of step so every pairing occurs.
     */
    private static void fillBlocks(MemorySegment data, GgmlType type, long blocks, Random random) {
        int[] halfFields = halfFieldOffsets(type);
        for (long block = 0; block < blocks; block++) {
            long offset = block * type.blockBytes();
            int pattern = (int) (block % 7);
            for (int j = 0; j < type.blockBytes(); j++) {
                int value = switch (pattern) {
                    case 0 -> 0x00;
                    case 1 -> 0xFF;
                    case 2 -> 0x0F;
                    case 3 -> 0xF0;
                    case 4 -> j % 2 == 0 ? 0xAA : 0x55;
                    default -> random.nextInt(256);
                };
                data.set(ValueLayout.JAVA_BYTE, offset + j, (byte) value);
            }
            for (int field = 0; field < halfFields.length; field++) {
                data.set(LE_SHORT, offset + halfFields[field], blockScale(block + 3L * field, random));
            }
        }
    }
}
