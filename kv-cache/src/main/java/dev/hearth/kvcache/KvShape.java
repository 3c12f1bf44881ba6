package dev.hearth.kvcache;

import dev.hearth.api.ConfigurationException;

/**
 * The size of one token position's keys and values: {@code kvDimension} floats of keys and as many of values in each
 * of {@code layers} layers.
 */
public record KvShape(int layers, int kvDimension) {
    public KvShape {
        if (layers < 1 || kvDimension < 1) {
            throw new ConfigurationException("A KV shape needs at least one layer and one dimension, was " + layers
                    + " layers of " + kvDimension);
        }
    }

    /** Bytes of keys and values (32-bit floats) for {@code positions} positions. */
    public long bytesFor(int positions) {
        return (long) positions * layers * kvDimension * 2 * Float.BYTES;
    }
}
