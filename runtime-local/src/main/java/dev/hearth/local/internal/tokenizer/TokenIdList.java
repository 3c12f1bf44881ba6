package dev.hearth.local.internal.tokenizer;

import java.util.Arrays;

/** A growable list of token ids without boxing; encoders append to it and hand out the final array. */
final class TokenIdList {
    private int[] ids;
    private int size;

    TokenIdList(int expectedSize) {
        ids = new int[Math.max(expectedSize, 8)];
    }

    void add(int id) {
        if (size == ids.length) {
            ids = Arrays.copyOf(ids, ids.length * 2);
        }
        ids[size++] = id;
    }

    int size() {
        return size;
    }

    /** Drops the ids after the first {@code size}. */
    void truncate(int size) {
        if (size < 0 || size > this.size) {
            throw new IndexOutOfBoundsException("cannot truncate " + this.size + " ids to " + size);
        }
        this.size = size;
    }

    int[] toArray() {
        return Arrays.copyOf(ids, size);
    }
}
