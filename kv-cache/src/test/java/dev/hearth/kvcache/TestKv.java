package dev.hearth.kvcache;

import java.util.stream.IntStream;

/** Keys and values whose every float tells which layer, position and token it belongs to. */
final class TestKv implements KvArrays {
    final float[][] keys;
    final float[][] values;

    TestKv(KvShape shape, int positions) {
        keys = new float[shape.layers()][positions * shape.kvDimension()];
        values = new float[shape.layers()][positions * shape.kvDimension()];
    }

    static TestKv of(KvShape shape, int[] tokens) {
        TestKv kv = new TestKv(shape, tokens.length);
        int d = shape.kvDimension();
        for (int layer = 0; layer < shape.layers(); layer++) {
            for (int p = 0; p < tokens.length; p++) {
                for (int j = 0; j < d; j++) {
                    kv.keys[layer][p * d + j] = tokens[p] * 31f + layer * 7f + j + p * 0.001f;
                    kv.values[layer][p * d + j] = -(tokens[p] * 17f + layer * 3f + j) - p * 0.002f;
                }
            }
        }
        return kv;
    }

    static int[] tokens(int from, int count) {
        return IntStream.range(from, from + count).toArray();
    }

    @Override
    public float[] keys(int layer) {
        return keys[layer];
    }

    @Override
    public float[] values(int layer) {
        return values[layer];
    }

    /** True when positions [0, count) equal those of {@code other}, bit for bit. */
    boolean samePositions(TestKv other, int count, int kvDimension) {
        for (int layer = 0; layer < keys.length; layer++) {
            for (int i = 0; i < count * kvDimension; i++) {
                if (Float.floatToRawIntBits(keys[layer][i]) != Float.floatToRawIntBits(other.keys[layer][i])
                        || Float.floatToRawIntBits(values[layer][i]) != Float.floatToRawIntBits(other.values[layer][i])) {
                    return false;
                }
            }
        }
        return true;
    }
}
