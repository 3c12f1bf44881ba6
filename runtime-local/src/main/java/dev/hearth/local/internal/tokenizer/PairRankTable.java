package dev.hearth.local.internal.tokenizer;

import java.util.Arrays;

/**
 * Open-addressing hash map from a pair of symbol ids (each below 2^31) to the rank of their merge, without boxing:
 * the merge loop looks a pair up for every adjacency it creates, so this is the hottest structure of BPE encoding.
 */
final class PairRankTable {
    private static final long EMPTY = -1L;
    private final long[] keys;
    private final int[] ranks;
    private final int mask;
    /** 64 minus log2(capacity): Fibonacci hashing keeps the top bits of the product, which depend on both ids. */
    private final int shift;
    private int size;

    PairRankTable(int expectedSize) {
        int capacity = Integer.highestOneBit(Math.max(16, expectedSize * 2 - 1)) << 1;
        keys = new long[capacity];
        ranks = new int[capacity];
        Arrays.fill(keys, EMPTY);
        mask = capacity - 1;
        shift = 64 - Integer.numberOfTrailingZeros(capacity);
    }

    private static long key(int left, int right) {
        return (long) left << 32 | (right & 0xFFFFFFFFL);
    }

    private int slotOf(long key) {
        return (int) ((key * 0x9E3779B97F4A7C15L) >>> shift);
    }

    /** Stores the rank unless the pair already has one: the first (lowest-ranked) merge of a pair wins. */
    void putIfAbsent(int left, int right, int rank) {
        long key = key(left, right);
        int slot = slotOf(key);
        while (keys[slot] != EMPTY) {
            if (keys[slot] == key) {
                return;
            }
            slot = slot + 1 & mask;
        }
        if (size + 1 > keys.length * 3 / 4) {
            throw new IllegalStateException("PairRankTable sized for fewer entries than were put");
        }
        keys[slot] = key;
        ranks[slot] = rank;
        size++;
    }

    /** The merge rank of the pair, or -1 if the two symbols do not merge. */
    int rank(int left, int right) {
        long key = key(left, right);
        int slot = slotOf(key);
        long stored;
        while ((stored = keys[slot]) != EMPTY) {
            if (stored == key) {
                return ranks[slot];
            }
            slot = slot + 1 & mask;
        }
        return -1;
    }
}
