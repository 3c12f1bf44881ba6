package dev.hearth.kvcache;

/**
 * A session's keys and values as the engine holds them: per layer, one float array with {@code kvDimension} floats
 * per position, position 0 first. The cache copies whole positions in and out; arrays must be large enough for the
 * positions copied.
 */
public interface KvArrays {
    float[] keys(int layer);

    float[] values(int layer);
}
