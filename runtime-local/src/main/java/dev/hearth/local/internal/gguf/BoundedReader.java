package dev.hearth.local.internal.gguf;

import dev.hearth.api.ModelFormatException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A little-endian cursor over a mapped file that checks every read against the end of the file first, so that a
 * truncated or hostile file produces a {@link ModelFormatException} naming the field being read and its offset,
 * never an {@code IndexOutOfBoundsException}.
 */
final class BoundedReader {
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble DOUBLE =
            ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final MemorySegment file;
    private final long size;
    private long position;

    BoundedReader(MemorySegment file) {
        this.file = file;
        this.size = file.byteSize();
    }

    long position() {
        return position;
    }

    long remaining() {
        return size - position;
    }

    void require(long bytes, String field) {
        if (bytes < 0 || bytes > remaining()) {
            throw new ModelFormatException(field, position,
                    "needs " + bytes + " bytes but only " + remaining() + " remain before the end of the file");
        }
    }

    byte readByte(String field) {
        require(1, field);
        return file.get(ValueLayout.JAVA_BYTE, position++);
    }

    short readShort(String field) {
        require(2, field);
        short value = file.get(SHORT, position);
        position += 2;
        return value;
    }

    int readInt(String field) {
        require(4, field);
        int value = file.get(INT, position);
        position += 4;
        return value;
    }

    long readLong(String field) {
        require(8, field);
        long value = file.get(LONG, position);
        position += 8;
        return value;
    }

    float readFloat(String field) {
        require(4, field);
        float value = file.get(FLOAT, position);
        position += 4;
        return value;
    }

    double readDouble(String field) {
        require(8, field);
        double value = file.get(DOUBLE, position);
        position += 8;
        return value;
    }

    /** Reads a uint64 count and rejects values that do not fit the given bound. */
    long readCount(String field, long maximum) {
        long start = position;
        long count = readLong(field);
        if (count < 0 || count > maximum) {
            throw new ModelFormatException(field, start, "count " + Long.toUnsignedString(count)
                    + " cannot fit in the " + remaining() + " bytes left in the file");
        }
        return count;
    }

    /** A GGUF string: uint64 byte length, then UTF-8 bytes (malformed sequences become U+FFFD). */
    String readString(String field) {
        long start = position;
        long length = readLong(field + " (length)");
        if (length < 0 || length > remaining() || length > Integer.MAX_VALUE - 8) {
            throw new ModelFormatException(field, start, "string length " + Long.toUnsignedString(length)
                    + " exceeds the " + remaining() + " bytes left in the file");
        }
        byte[] bytes = new byte[(int) length];
        MemorySegment.copy(file, ValueLayout.JAVA_BYTE, position, bytes, 0, bytes.length);
        position += length;
        return new String(bytes, StandardCharsets.UTF_8);
    }

    void skipTo(long target, String field) {
        if (target < position || target > size) {
            throw new ModelFormatException(field, position, "offset " + target + " lies outside the file (size " + size + ")");
        }
        position = target;
    }
}
