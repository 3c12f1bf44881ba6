package dev.hearth.local.internal.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Decoders for the packed sub-block scales of the K-quant formats, shared by {@link ScalarReference} and the kernels
 * (the scales are read once per sub-block, so scalar code is the right tool in both).
 *
 * <p>Q4_K and Q5_K pack eight 6-bit scales and eight 6-bit mins into 12 bytes: for sub-blocks 0..3 the low six bits
 * of bytes 0..3 (scale) and 4..7 (min); for sub-blocks 4..7 a nibble of bytes 8..11 (scale low, min high) with the two
 * upper bits taken from the spare top bits of bytes 0..3 (scale) and 4..7 (min).
 *
 * <p>Q3_K packs sixteen 6-bit scales, stored with a bias of 32, into 12 bytes: the low four bits of scale i are the
 * low (i &lt; 8) or high (i ≥ 8) nibble of byte i mod 8, and its upper two bits are bits 2·(i / 4) of byte 8 + i mod 4.
 */
final class KQuantScales {
    /** Bytes of packed scales in a Q3_K, Q4_K or Q5_K block. */
    static final int PACKED_BYTES = 12;

    private KQuantScales() {}

    /**
     * The 12 packed scale bytes at {@code at}, read as one little-endian long (bytes 0..7) and one int (bytes 8..11),
     * so the kernels decode them with register arithmetic: per-byte segment reads inside a kernel add enough compiler
     * nodes to stop C2 inlining its vector helpers.
     */
    record Packed(long first8, int last4) {
        static Packed read(MemorySegment data, long at) {
            return new Packed(data.get(LittleEndian.LONG, at), data.get(LittleEndian.INT, at + 8));
        }

        /** Byte {@code index} (0..11), unsigned. */
        int byteAt(int index) {
            return index < 8 ? (int) (first8 >>> (8 * index)) & 0xFF : last4 >>> (8 * (index - 8)) & 0xFF;
        }

        /** The 6-bit scale of sub-block {@code subBlock} (0..7) of a Q4_K/Q5_K block. */
        int scale(int subBlock) {
            if (subBlock < 4) {
                return byteAt(subBlock) & 0x3F;
            }
            return (byteAt(subBlock + 4) & 0x0F) | (byteAt(subBlock - 4) >>> 6) << 4;
        }

        /** The 6-bit min of sub-block {@code subBlock} (0..7) of a Q4_K/Q5_K block. */
        int min(int subBlock) {
            if (subBlock < 4) {
                return byteAt(subBlock + 4) & 0x3F;
            }
            return (byteAt(subBlock + 4) >>> 4) | (byteAt(subBlock) >>> 6) << 4;
        }

        /** The signed scale (−32..31) of sub-block {@code subBlock} (0..15) of a Q3_K block, bias removed. */
        int q3Scale(int subBlock) {
            int lowBits = byteAt(subBlock % 8) >>> (subBlock < 8 ? 0 : 4) & 0x0F;
            int highBits = byteAt(8 + subBlock % 4) >>> (2 * (subBlock / 4)) & 0x03;
            return (lowBits | highBits << 4) - 32;
        }
    }

    /**
     * The eight 6-bit Q4_K/Q5_K scales of a block, one per byte (byte i is sub-block i's scale, as
     * {@link Packed#scale} decodes it), from the packed bytes 0..7 ({@code first8}, little-endian) and 8..11
     * ({@code last4}): branch-free register arithmetic for the kernels' inner loops.
     */
    static long sixBitScales(long first8, int last4) {
        long subBlocks0To3 = first8 & 0x3F3F3F3FL;
        long subBlocks4To7 = (last4 & 0x0F0F0F0FL) | ((first8 >>> 6) & 0x03030303L) << 4;
        return subBlocks0To3 | subBlocks4To7 << 32;
    }

    /** The eight 6-bit Q4_K/Q5_K mins of a block, one per byte, like {@link #sixBitScales}. */
    static long sixBitMins(long first8, int last4) {
        long subBlocks0To3 = (first8 >>> 32) & 0x3F3F3F3FL;
        long subBlocks4To7 = ((last4 >>> 4) & 0x0F0F0F0FL) | ((first8 >>> 38) & 0x03030303L) << 4;
        return subBlocks0To3 | subBlocks4To7 << 32;
    }

    /** Packs eight 6-bit scales and mins the way {@link #scale} and {@link #min} read them. */
    static void pack(int[] scales, int[] mins, MemorySegment out, long at) {
        for (int subBlock = 0; subBlock < 8; subBlock++) {
            if (scales[subBlock] >>> 6 != 0 || mins[subBlock] >>> 6 != 0) {
                throw new IllegalArgumentException("scale " + scales[subBlock] + " or min " + mins[subBlock]
                        + " of sub-block " + subBlock + " does not fit 6 bits");
            }
        }
        for (int subBlock = 0; subBlock < 4; subBlock++) {
            int upper = subBlock + 4;
            out.set(ValueLayout.JAVA_BYTE, at + subBlock,
                    (byte) (scales[subBlock] | (scales[upper] >>> 4) << 6));
            out.set(ValueLayout.JAVA_BYTE, at + subBlock + 4,
                    (byte) (mins[subBlock] | (mins[upper] >>> 4) << 6));
            out.set(ValueLayout.JAVA_BYTE, at + subBlock + 8,
                    (byte) ((scales[upper] & 0x0F) | (mins[upper] & 0x0F) << 4));
        }
    }

}
