package dev.hearth.local.internal.tensor;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Scalar layouts for reading GGUF data. GGUF is little-endian whatever the host, and tensor data inside a mapped file
 * carries no alignment guarantee relative to the element size (Q8_0 blocks are 34 bytes), so every layout is the
 * unaligned variant with an explicit byte order.
 */
final class LittleEndian {
    static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private LittleEndian() {}
}
