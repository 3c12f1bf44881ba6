package dev.hearth.local.internal.model;

import java.util.Arrays;

/**
 * The keys and values one session has computed, per layer, position by position ({@code kvDimension} floats per
 * position). Storage grows by doubling up to the context length, so a short chat on a long-context model does not
 * pay for the whole window up front.
 */
public final class KvCache {
    private final int layers;
    private final int kvDimension;
    private final int contextLength;
    private final float[][] keys;
    private final float[][] values;
    private int capacity;
    /** Positions [0, length) hold valid keys and values. */
    private int length;

    public KvCache(int layers, int kvDimension, int contextLength) {
        this.layers = layers;
        this.kvDimension = kvDimension;
        this.contextLength = contextLength;
        this.keys = new float[layers][];
        this.values = new float[layers][];
        this.capacity = Math.min(contextLength, 256);
        for (int layer = 0; layer < layers; layer++) {
            keys[layer] = new float[capacity * kvDimension];
            values[layer] = new float[capacity * kvDimension];
        }
    }

    public int contextLength() {
        return contextLength;
    }

    /** How many positions hold valid entries. */
    public int length() {
        return length;
    }

    /** Forgets positions from {@code newLength} on (to rewind a session); memory is kept. */
    public void truncate(int newLength) {
        if (newLength < 0 || newLength > length) {
            throw new IllegalArgumentException("cannot truncate a cache of length " + length + " to " + newLength);
        }
        length = newLength;
    }

    /** Makes room for {@code position} and marks positions up to it valid once all layers are written. */
    void ensurePosition(int position) {
        if (position >= contextLength) {
            throw new IllegalStateException("position " + position + " is outside the context of " + contextLength);
        }
        if (position >= capacity) {
            int grown = (int) Math.min(contextLength, Math.max((long) capacity * 2, position + 1L));
            for (int layer = 0; layer < layers; layer++) {
                keys[layer] = Arrays.copyOf(keys[layer], grown * kvDimension);
                values[layer] = Arrays.copyOf(values[layer], grown * kvDimension);
            }
            capacity = grown;
        }
    }

    void commit(int position) {
        length = Math.max(length, position + 1);
    }

    float[] keys(int layer) {
        return keys[layer];
    }

    float[] values(int layer) {
        return values[layer];
    }
}
