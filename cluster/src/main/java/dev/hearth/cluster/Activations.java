package dev.hearth.cluster;

import com.google.protobuf.ByteString;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Float32 activations and logits on the wire: raw little-endian bytes, exact by construction. */
final class Activations {
    private Activations() {
    }

    static ByteString write(float[] values, int count) {
        ByteBuffer bytes = ByteBuffer.allocate(count * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values, 0, count);
        return ByteString.copyFrom(bytes.array());
    }

    static void read(ByteString data, float[] into, int count) {
        data.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(into, 0, count);
    }
}
