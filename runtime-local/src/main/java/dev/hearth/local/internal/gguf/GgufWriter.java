package dev.hearth.local.internal.gguf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SequencedMap;

/**
 * Writes GGUF v3 files: any metadata entries, in the order given, and tensors given as raw bytes with their ggml
 * type and dimensions. Tensor data is laid out in the order added, each tensor at an offset that is a multiple of
 * the alignment ({@code general.alignment} when the metadata sets it, else 32), exactly as {@link GgufFile} reads it.
 *
 * <pre>{@code
 * try (GgufFile source = GgufFile.open(in)) {
 *     GgufWriter writer = new GgufWriter();
 *     source.metadata().entries().values().forEach(writer::put);
 *     writer.putString("tokenizer.chat_template", template);
 *     for (GgufTensorInfo tensor : source.tensors()) {
 *         writer.addTensor(tensor.name(), tensor.type(), tensor.dims(), source.data(tensor));
 *     }
 *     writer.write(out);
 * }
 * }</pre>
 *
 * <p>Metadata values use the Java forms of {@link MetadataEntry}: {@code Long} for every integer type,
 * {@code Float}, {@code Double}, {@code Boolean}, {@code String}, or {@link MetadataArray}. Mistakes (a value of
 * the wrong type, a duplicate key or tensor, a data size that does not match the type and dimensions) are rejected
 * with {@link IllegalArgumentException} when they are added. Not thread-safe.
 */
public final class GgufWriter {
    private static final int MAGIC = 0x46554747;
    private static final int VERSION = 3;
    private static final int DEFAULT_ALIGNMENT = 32;

    private final SequencedMap<String, MetadataEntry> metadata = new LinkedHashMap<>();
    private final Map<String, Tensor> tensors = new LinkedHashMap<>();

    /** A tensor's bytes: given up front, or produced by an encoder when the file is written. */
    private record Tensor(String name, GgmlType type, long[] dims, long byteSize, MemorySegment data,
                          TensorEncoder encoder) {
    }

    /**
     * Produces a tensor's bytes straight into the file being written, so a multi-gigabyte model never has to be held
     * in memory: {@link #encode} receives a writable mapping of exactly the tensor's byte range and must fill all of
     * it (for example row block by row block). It is called once, from {@link #write}, in the order tensors were added.
     */
    @FunctionalInterface
    public interface TensorEncoder {
        void encode(MemorySegment out);
    }

    /** Adds (or, for a key already present, replaces) a metadata entry; the entry's offset is ignored. */
    public GgufWriter put(MetadataEntry entry) {
        return put(entry.key(), entry.type(), entry.value());
    }

    /** Adds a metadata value, or replaces the value of a key already added (keeping its position). */
    public GgufWriter put(String key, MetadataType type, Object value) {
        Objects.requireNonNull(key, "key");
        checkValue(key, type, value);
        metadata.put(key, new MetadataEntry(key, type, value, -1));
        return this;
    }

    public GgufWriter putString(String key, String value) {
        return put(key, MetadataType.STRING, value);
    }

    public GgufWriter putUint32(String key, long value) {
        return put(key, MetadataType.UINT32, value);
    }

    public GgufWriter putFloat32(String key, float value) {
        return put(key, MetadataType.FLOAT32, value);
    }

    public GgufWriter putBool(String key, boolean value) {
        return put(key, MetadataType.BOOL, value);
    }

    /** Removes a metadata key if present. */
    public GgufWriter remove(String key) {
        metadata.remove(key);
        return this;
    }

    /**
     * Adds a tensor.
     *
     * @param dims ggml order: {@code dims[0]} is the contiguous dimension
     * @param data exactly the bytes of the tensor ({@code type.bytesFor(elements)}); it is read when the file is written
     */
    public GgufWriter addTensor(String name, GgmlType type, long[] dims, MemorySegment data) {
        Objects.requireNonNull(data, "data");
        long expected = checkTensor(name, type, dims);
        if (data.byteSize() != expected) {
            throw new IllegalArgumentException("tensor " + name + ": " + type + " " + Arrays.toString(dims) + " takes "
                    + expected + " bytes, but " + data.byteSize() + " were given");
        }
        tensors.put(name, new Tensor(name, type, dims.clone(), expected, data, null));
        return this;
    }

    /**
     * Adds a tensor whose bytes {@code encoder} writes into the file when it is written (see {@link TensorEncoder}).
     *
     * @param dims ggml order: {@code dims[0]} is the contiguous dimension
     */
    public GgufWriter addTensor(String name, GgmlType type, long[] dims, TensorEncoder encoder) {
        Objects.requireNonNull(encoder, "encoder");
        long bytes = checkTensor(name, type, dims);
        tensors.put(name, new Tensor(name, type, dims.clone(), bytes, null, encoder));
        return this;
    }

    /** Checks a tensor's name, type and shape; returns its size in bytes. */
    private long checkTensor(String name, GgmlType type, long[] dims) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        if (tensors.containsKey(name)) {
            throw new IllegalArgumentException("tensor " + name + " was already added");
        }
        if (dims.length < 1 || dims.length > 4) {
            throw new IllegalArgumentException("tensor " + name + " has rank " + dims.length + "; ggml tensors have 1 to 4 dimensions");
        }
        long elements = 1;
        for (long dim : dims) {
            if (dim < 0) {
                throw new IllegalArgumentException("tensor " + name + " has a negative dimension: " + Arrays.toString(dims));
            }
            elements = Math.multiplyExact(elements, dim);
        }
        if (dims[0] % type.blockSize() != 0) {
            throw new IllegalArgumentException("tensor " + name + ": row length " + dims[0] + " is not a multiple of the "
                    + type + " block size " + type.blockSize());
        }
        return type.bytesFor(elements);
    }

    public GgufWriter addTensor(String name, GgmlType type, long[] dims, byte[] data) {
        return addTensor(name, type, dims, MemorySegment.ofArray(data));
    }

    /** Writes the file, replacing any file at the path. */
    public void write(Path path) {
        int alignment = alignment();
        List<Long> offsets = new ArrayList<>();
        long dataSize = 0;
        for (Tensor tensor : tensors.values()) {
            dataSize = alignUp(dataSize, alignment);
            offsets.add(dataSize);
            dataSize += tensor.byteSize();
        }
        Output header = new Output();
        header.putInt(MAGIC);
        header.putInt(VERSION);
        header.putLong(tensors.size());
        header.putLong(metadata.size());
        for (MetadataEntry entry : metadata.values()) {
            header.putString(entry.key());
            header.putInt(entry.type().id());
            writeValue(header, entry.type(), entry.value());
        }
        int index = 0;
        for (Tensor tensor : tensors.values()) {
            header.putString(tensor.name());
            header.putInt(tensor.dims().length);
            for (long dim : tensor.dims()) {
                header.putLong(dim);
            }
            header.putInt(tensor.type().id());
            header.putLong(offsets.get(index++));
        }
        long dataStart = alignUp(header.size(), alignment);
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            writeFully(channel, header.toBuffer(), 0);
            index = 0;
            for (Tensor tensor : tensors.values()) {
                long position = dataStart + offsets.get(index++);
                if (tensor.data() != null) {
                    writeFully(channel, tensor.data().asByteBuffer(), position);
                } else if (tensor.byteSize() > 0) {
                    // A mapping of just this tensor, unmapped as soon as it is filled: the written pages belong to the
                    // page cache, not to this process, however large the file.
                    try (Arena arena = Arena.ofConfined()) {
                        tensor.encoder().encode(channel.map(FileChannel.MapMode.READ_WRITE, position,
                                tensor.byteSize(), arena));
                    }
                }
            }
            // Padding after the last tensor is not required by the format; the size is exactly the data's end.
            channel.truncate(dataStart + dataSize);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write GGUF file " + path + ": " + e.getMessage(), e);
        }
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            at += channel.write(buffer, at);
        }
    }

    private int alignment() {
        MetadataEntry entry = metadata.get("general.alignment");
        if (entry == null) {
            return DEFAULT_ALIGNMENT;
        }
        long value = (Long) entry.value();
        if (value <= 0 || value % 8 != 0 || value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("general.alignment must be a positive multiple of 8, was " + value);
        }
        return (int) value;
    }

    private static long alignUp(long value, int alignment) {
        return (value + alignment - 1) / alignment * alignment;
    }

    private static void checkValue(String key, MetadataType type, Object value) {
        Objects.requireNonNull(value, () -> "value of " + key);
        boolean matches = switch (type) {
            case UINT8, INT8, UINT16, INT16, UINT32, INT32, UINT64, INT64 -> value instanceof Long;
            case FLOAT32 -> value instanceof Float;
            case FLOAT64 -> value instanceof Double;
            case BOOL -> value instanceof Boolean;
            case STRING -> value instanceof String;
            case ARRAY -> value instanceof MetadataArray;
        };
        if (!matches) {
            throw new IllegalArgumentException("metadata " + key + ": a " + type + " value must be given as "
                    + switch (type) {
                        case FLOAT32 -> "Float";
                        case FLOAT64 -> "Double";
                        case BOOL -> "Boolean";
                        case STRING -> "String";
                        case ARRAY -> "MetadataArray";
                        default -> "Long";
                    } + ", not " + value.getClass().getSimpleName());
        }
    }

    private static void writeValue(Output out, MetadataType type, Object value) {
        switch (type) {
            case UINT8, INT8 -> out.putByte((byte) (long) (Long) value);
            case UINT16, INT16 -> out.putShort((short) (long) (Long) value);
            case UINT32, INT32 -> out.putInt((int) (long) (Long) value);
            case UINT64, INT64 -> out.putLong((Long) value);
            case FLOAT32 -> out.putInt(Float.floatToRawIntBits((Float) value));
            case FLOAT64 -> out.putLong(Double.doubleToRawLongBits((Double) value));
            case BOOL -> out.putByte((byte) ((Boolean) value ? 1 : 0));
            case STRING -> out.putString((String) value);
            case ARRAY -> writeArray(out, (MetadataArray) value);
        }
    }

    private static void writeArray(Output out, MetadataArray array) {
        out.putInt(array.elementType().id());
        int length = array.length();
        out.putLong(length);
        Object elements = array.elements();
        for (int i = 0; i < length; i++) {
            Object element = Array.get(elements, i);
            switch (array.elementType()) {
                case UINT8, INT8 -> out.putByte((Byte) element);
                case UINT16, INT16 -> out.putShort((Short) element);
                case UINT32, INT32 -> out.putInt((Integer) element);
                case UINT64, INT64 -> out.putLong((Long) element);
                case FLOAT32 -> out.putInt(Float.floatToRawIntBits((Float) element));
                case FLOAT64 -> out.putLong(Double.doubleToRawLongBits((Double) element));
                case BOOL -> out.putByte((byte) ((Boolean) element ? 1 : 0));
                case STRING -> out.putString((String) element);
                case ARRAY -> writeArray(out, (MetadataArray) element);
            }
        }
    }

    /** A growable little-endian byte buffer for the header. */
    private static final class Output {
        private ByteBuffer buffer = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

        private void ensure(int bytes) {
            if (buffer.remaining() < bytes) {
                ByteBuffer larger = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + bytes))
                        .order(ByteOrder.LITTLE_ENDIAN);
                buffer.flip();
                larger.put(buffer);
                buffer = larger;
            }
        }

        void putByte(byte value) {
            ensure(1);
            buffer.put(value);
        }

        void putShort(short value) {
            ensure(2);
            buffer.putShort(value);
        }

        void putInt(int value) {
            ensure(4);
            buffer.putInt(value);
        }

        void putLong(long value) {
            ensure(8);
            buffer.putLong(value);
        }

        void putString(String value) {
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            putLong(bytes.length);
            ensure(bytes.length);
            buffer.put(bytes);
        }

        long size() {
            return buffer.position();
        }

        ByteBuffer toBuffer() {
            return buffer.duplicate().flip();
        }
    }
}
