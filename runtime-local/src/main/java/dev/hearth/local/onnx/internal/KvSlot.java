package dev.hearth.local.onnx.internal;

import ai.onnxruntime.OnnxJavaType;

/**
 * One KV-cache tensor of a decoder: fed as {@code pastName}, returned (grown by the new tokens) as {@code presentName}.
 *
 * @param shape        the declared shape, -1 on the batch and sequence axes
 * @param batchAxis    the axis holding the batch (always 1 here)
 * @param sequenceAxis the axis that grows with every token
 */
record KvSlot(String pastName, String presentName, OnnxJavaType type, long[] shape, int batchAxis, int sequenceAxis) {

    /** The shape of an empty cache: batch 1, no positions. */
    long[] emptyShape() {
        long[] empty = shape.clone();
        empty[batchAxis] = 1;
        empty[sequenceAxis] = 0;
        return empty;
    }
}
