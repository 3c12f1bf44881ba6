package dev.hearth.local.internal.tokenizer;

import java.util.Arrays;

/** A growable list of ints without boxing, for word boundaries and other per-call scratch data. */
final class IntList {
    private int[] values;
    private int size;

    IntList(int expectedSize) {
        values = new int[Math.max(expectedSize, 8)];
    }

    void add(int value) {
        if (size == values.length) {
            values = Arrays.copyOf(values, values.length * 2);
        }
        values[size++] = value;
    }

    int get(int index) {
        return values[index];
    }

    int size() {
        return size;
    }

    void clear() {
        size = 0;
    }
}
