package dev.hearth.local.internal.tokenizer;

import java.util.Arrays;

/**
 * Finds the token whose bytes equal a byte range, without building a string: byte-level BPE with "ignore merges"
 * looks every word up whole before merging it.
 */
final class ByteSequenceTable {
    private final byte[][] bytesById;
    private final int[] slots; // token id + 1, 0 = empty
    private final int mask;

    /** @param bytesById the raw bytes of each token, or null for tokens that no byte sequence can spell */
    ByteSequenceTable(byte[][] bytesById) {
        this.bytesById = bytesById;
        int capacity = Integer.highestOneBit(Math.max(16, bytesById.length * 2 - 1)) << 1;
        slots = new int[capacity];
        mask = capacity - 1;
        for (int id = 0; id < bytesById.length; id++) {
            byte[] bytes = bytesById[id];
            if (bytes == null || bytes.length == 0) {
                continue;
            }
            int slot = hash(bytes, 0, bytes.length) & mask;
            while (slots[slot] != 0 && !Arrays.equals(bytesById[slots[slot] - 1], bytes)) {
                slot = slot + 1 & mask;
            }
            slots[slot] = id + 1; // a later duplicate replaces an earlier one, as in the text-to-id map
        }
    }

    private static int hash(byte[] bytes, int from, int to) {
        int h = 0x811C9DC5;
        for (int i = from; i < to; i++) {
            h = (h ^ bytes[i]) * 0x01000193;
        }
        return h ^ h >>> 16;
    }

    /** The token spelt by {@code bytes[from, to)}, or -1. */
    int find(byte[] bytes, int from, int to) {
        int slot = hash(bytes, from, to) & mask;
        int entry;
        while ((entry = slots[slot]) != 0) {
            byte[] candidate = bytesById[entry - 1];
            if (Arrays.equals(candidate, 0, candidate.length, bytes, from, to)) {
                return entry - 1;
            }
            slot = slot + 1 & mask;
        }
        return -1;
    }
}
