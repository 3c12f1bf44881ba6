package dev.hearth.local.internal.gguf;

import dev.hearth.api.ModelFormatException;
import dev.hearth.api.ModelLoadException;
import dev.hearth.api.ModelNotFoundException;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SequencedMap;

/**
 * A GGUF v2/v3 file mapped read-only into memory. Opening parses the header, every metadata value and the tensor
 * table, and checks each offset, size and count against the file before anything is allocated or dereferenced;
 * tensor data is not touched until a caller asks for it. Closing unmaps the file: segments handed out become invalid.
 *
 * <p>Layout (all little-endian): magic "GGUF", uint32 version, uint64 tensor count, uint64 metadata count, the
 * metadata key/values, the tensor infos (name, rank, dims, type, offset relative to the data section), padding to
 * {@code general.alignment} (default 32), then the data section.
 */
public final class GgufFile implements AutoCloseable {
    /** "GGUF" read as a little-endian uint32. */
    private static final int MAGIC = 0x46554747;
    private static final int DEFAULT_ALIGNMENT = 32;
    /** ggml tensors have at most four dimensions. */
    private static final int MAX_RANK = 4;
    /** Real files nest arrays one level deep at most; the bound stops a hostile file from exhausting the stack. */
    private static final int MAX_ARRAY_NESTING = 8;
    /** Smallest possible tensor info: empty name (8), rank (4), one dim (8), type (4), offset (8). */
    private static final int MIN_TENSOR_INFO_BYTES = 32;
    /** Smallest possible key/value: empty key (8), type (4), one byte of value. */
    private static final int MIN_METADATA_BYTES = 13;

    private final Path path;
    private final Arena arena;
    private final MemorySegment mapping;
    private final int version;
    private final GgufMetadata metadata;
    private final List<GgufTensorInfo> tensors;
    private final Map<String, GgufTensorInfo> tensorsByName;
    private final long dataStart;
    private final int alignment;
    /** The file as it was when mapped (null for a file parsed from memory); see {@link #checkUnchanged()}. */
    private BasicFileAttributes opened;

    private GgufFile(Path path, Arena arena, MemorySegment mapping, int version, GgufMetadata metadata,
                     List<GgufTensorInfo> tensors, long dataStart, int alignment) {
        this.path = path;
        this.arena = arena;
        this.mapping = mapping;
        this.version = version;
        this.metadata = metadata;
        this.tensors = Collections.unmodifiableList(tensors);
        Map<String, GgufTensorInfo> byName = new HashMap<>();
        for (GgufTensorInfo tensor : tensors) {
            byName.put(tensor.name(), tensor);
        }
        this.tensorsByName = Collections.unmodifiableMap(byName);
        this.dataStart = dataStart;
        this.alignment = alignment;
    }

    /**
     * Maps and parses a GGUF file.
     *
     * @throws ModelNotFoundException if the path is missing, a directory, or unreadable
     * @throws ModelFormatException   if the file is not GGUF, is truncated, or is inconsistent
     */
    public static GgufFile open(Path path) {
        if (Files.isDirectory(path)) {
            throw new ModelNotFoundException("Model path " + path + " is a directory; pass the path of a .gguf file inside it.");
        }
        if (!Files.exists(path)) {
            throw new ModelNotFoundException("Model file " + path.toAbsolutePath() + " does not exist; check the path or download the model first.");
        }
        Arena arena = Arena.ofShared();
        try {
            MemorySegment mapping;
            BasicFileAttributes attributes;
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
                attributes = Files.readAttributes(path, BasicFileAttributes.class);
                long size = channel.size();
                mapping = size == 0 ? MemorySegment.ofArray(new byte[0]) : channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            }
            GgufFile file = parse(path, arena, mapping);
            file.opened = attributes;
            return file;
        } catch (AccessDeniedException e) {
            arena.close();
            throw new ModelNotFoundException("Model file " + path + " cannot be read (permission denied).", e);
        } catch (NoSuchFileException e) {
            arena.close();
            throw new ModelNotFoundException("Model file " + path + " does not exist.", e);
        } catch (IOException e) {
            arena.close();
            throw new ModelNotFoundException("Model file " + path + " cannot be read: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** Parses an already mapped file; package-private so tests can feed damaged copies without touching disk. */
    static GgufFile parse(Path path, Arena arena, MemorySegment mapping) {
        BoundedReader reader = new BoundedReader(mapping);
        if (mapping.byteSize() < 4 || reader.readInt("magic") != MAGIC) {
            throw new ModelFormatException("magic", 0, "the file does not start with \"GGUF\" (it is not a GGUF model)");
        }
        long versionOffset = reader.position();
        int version = reader.readInt("version");
        if (version != 2 && version != 3) {
            String hint = Integer.reverseBytes(version) == 2 || Integer.reverseBytes(version) == 3
                    ? " (this looks like a big-endian GGUF, which is not supported)"
                    : version == 1 ? " (GGUF v1 is obsolete; convert the model again with a current llama.cpp)" : "";
            throw new ModelFormatException("version", versionOffset, "unsupported GGUF version " + Integer.toUnsignedString(version) + hint);
        }
        long tensorCount = reader.readCount("tensor_count", reader.remaining() / MIN_TENSOR_INFO_BYTES);
        long metadataCount = reader.readCount("metadata_kv_count", reader.remaining() / MIN_METADATA_BYTES);

        SequencedMap<String, MetadataEntry> entries = new LinkedHashMap<>();
        for (long i = 0; i < metadataCount; i++) {
            long keyOffset = reader.position();
            String rawKey = reader.readString("metadata key #" + i);
            String key = rawKey.isBlank() ? "metadata key #" + i + " (blank)" : rawKey;
            long typeOffset = reader.position();
            int typeId = reader.readInt(key + " (value type)");
            MetadataType type = MetadataType.byId(Integer.toUnsignedLong(typeId)).orElseThrow(() ->
                    new ModelFormatException(key, typeOffset, "unknown metadata value type " + Integer.toUnsignedString(typeId)));
            long valueOffset = reader.position();
            Object value = readValue(reader, type, key, 0);
            if (entries.putIfAbsent(key, new MetadataEntry(key, type, value, valueOffset)) != null) {
                throw new ModelFormatException(key, keyOffset, "duplicate metadata key");
            }
        }
        GgufMetadata metadata = new GgufMetadata(entries);
        int alignment = readAlignment(metadata);

        record RawTensor(String name, long[] dims, GgmlType type, long relativeOffset, long byteSize, long infoOffset) {
        }
        List<RawTensor> raw = new ArrayList<>((int) tensorCount);
        Map<String, Long> seen = new HashMap<>();
        for (long i = 0; i < tensorCount; i++) {
            long infoOffset = reader.position();
            String name = reader.readString("tensor #" + i + " name");
            if (seen.putIfAbsent(name, infoOffset) != null) {
                throw new ModelFormatException("tensor " + name, infoOffset, "duplicate tensor name");
            }
            long rankOffset = reader.position();
            int rank = reader.readInt("tensor " + name + " rank");
            if (rank < 1 || rank > MAX_RANK) {
                throw new ModelFormatException("tensor " + name + " rank", rankOffset,
                        "rank " + Integer.toUnsignedString(rank) + " is outside 1.." + MAX_RANK);
            }
            long[] dims = new long[rank];
            long elements = 1;
            for (int d = 0; d < rank; d++) {
                long dimOffset = reader.position();
                dims[d] = reader.readLong("tensor " + name + " dim " + d);
                if (dims[d] < 0 || (dims[d] != 0 && elements > Long.MAX_VALUE / dims[d])) {
                    throw new ModelFormatException("tensor " + name + " dim " + d, dimOffset,
                            "dimension " + Long.toUnsignedString(dims[d]) + " is negative or makes the element count overflow");
                }
                elements *= dims[d];
            }
            long typeOffset = reader.position();
            int typeId = reader.readInt("tensor " + name + " type");
            GgmlType type = GgmlType.byId(Integer.toUnsignedLong(typeId)).orElseThrow(() ->
                    new ModelFormatException("tensor " + name + " type", typeOffset, "unknown ggml type id " + Integer.toUnsignedString(typeId)));
            if (dims[0] % type.blockSize() != 0) {
                throw new ModelFormatException("tensor " + name + " dim 0", rankOffset + 4,
                        "row length " + dims[0] + " is not a multiple of the " + type + " block size " + type.blockSize());
            }
            long byteSize = type.bytesFor(elements);
            if (byteSize < 0) {
                throw new ModelFormatException("tensor " + name, infoOffset, "byte size of " + elements + " " + type + " elements overflows");
            }
            long offsetPosition = reader.position();
            long relativeOffset = reader.readLong("tensor " + name + " offset");
            if (relativeOffset < 0 || relativeOffset % alignment != 0) {
                throw new ModelFormatException("tensor " + name + " offset", offsetPosition,
                        "data offset " + Long.toUnsignedString(relativeOffset) + " is negative or not a multiple of the alignment " + alignment);
            }
            raw.add(new RawTensor(name, dims, type, relativeOffset, byteSize, offsetPosition));
        }

        long dataStart = alignUp(reader.position(), alignment);
        long fileSize = mapping.byteSize();
        if (tensorCount > 0 && dataStart > fileSize) {
            throw new ModelFormatException("tensor data", reader.position(),
                    "the data section would start at " + dataStart + ", past the end of the file (" + fileSize + " bytes)");
        }
        // as llama.cpp requires: tensors lie back to back in the order declared, each padded to the alignment, so a
        // tensor whose type or shape was altered (its size no longer matching the space it was given) is caught here
        long expectedOffset = 0;
        RawTensor previous = null;
        for (RawTensor t : raw) {
            if (t.relativeOffset() != expectedOffset) {
                throw new ModelFormatException("tensor " + t.name() + " offset", t.infoOffset(),
                        "data offset " + t.relativeOffset() + " is not where "
                                + (previous == null ? "the data section begins (0)" : "tensor " + previous.name()
                                + " (" + previous.type() + ", " + previous.byteSize() + " bytes) ends ("
                                + expectedOffset + ")")
                                + ": a tensor's type or shape does not match the data laid out for it");
            }
            expectedOffset = alignUp(expectedOffset + t.byteSize(), alignment);
            previous = t;
        }
        List<GgufTensorInfo> tensors = new ArrayList<>(raw.size());
        for (RawTensor t : raw) {
            long available = fileSize - dataStart;
            if (t.relativeOffset() > available || t.byteSize() > available - t.relativeOffset()) {
                throw new ModelFormatException("tensor " + t.name() + " data", t.infoOffset(),
                        "its " + t.byteSize() + " bytes at data offset " + t.relativeOffset() + " run past the end of the file ("
                                + fileSize + " bytes, data section starts at " + dataStart + ")");
            }
            tensors.add(new GgufTensorInfo(t.name(), t.dims(), t.type(), dataStart + t.relativeOffset(), t.byteSize()));
        }
        return new GgufFile(path, arena, mapping, version, metadata, tensors, dataStart, alignment);
    }

    private static int readAlignment(GgufMetadata metadata) {
        Optional<MetadataEntry> entry = metadata.entry("general.alignment");
        if (entry.isEmpty()) {
            return DEFAULT_ALIGNMENT;
        }
        MetadataEntry e = entry.get();
        if (e.type() != MetadataType.UINT32) {
            throw new ModelFormatException("general.alignment", e.offset(), "expected uint32 but found " + e.type());
        }
        long value = (Long) e.value();
        if (value <= 0 || Long.bitCount(value) != 1 || value > (1 << 20)) {
            throw new ModelFormatException("general.alignment", e.offset(), "alignment " + value + " is not a power of two up to 1 MiB");
        }
        return (int) value;
    }

    private static Object readValue(BoundedReader reader, MetadataType type, String key, int depth) {
        return switch (type) {
            case UINT8 -> (long) Byte.toUnsignedInt(reader.readByte(key));
            case INT8 -> (long) reader.readByte(key);
            case UINT16 -> (long) Short.toUnsignedInt(reader.readShort(key));
            case INT16 -> (long) reader.readShort(key);
            case UINT32 -> Integer.toUnsignedLong(reader.readInt(key));
            case INT32 -> (long) reader.readInt(key);
            case UINT64, INT64 -> reader.readLong(key);
            case FLOAT32 -> reader.readFloat(key);
            case FLOAT64 -> reader.readDouble(key);
            case BOOL -> readBool(reader, key);
            case STRING -> reader.readString(key);
            case ARRAY -> readArray(reader, key, depth);
        };
    }

    private static boolean readBool(BoundedReader reader, String key) {
        long offset = reader.position();
        byte value = reader.readByte(key);
        if (value != 0 && value != 1) {
            throw new ModelFormatException(key, offset, "bool value " + value + " is neither 0 nor 1");
        }
        return value == 1;
    }

    private static MetadataArray readArray(BoundedReader reader, String key, int depth) {
        long typeOffset = reader.position();
        if (depth >= MAX_ARRAY_NESTING) {
            throw new ModelFormatException(key, typeOffset, "arrays are nested more than " + MAX_ARRAY_NESTING + " levels deep");
        }
        int typeId = reader.readInt(key + " (array element type)");
        MetadataType elementType = MetadataType.byId(Integer.toUnsignedLong(typeId)).orElseThrow(() ->
                new ModelFormatException(key, typeOffset, "unknown array element type " + Integer.toUnsignedString(typeId)));
        long count = reader.readCount(key + " (array length)", Math.min(reader.remaining() / elementType.minimumBytes(), Integer.MAX_VALUE - 8));
        int n = (int) count;
        Object elements = switch (elementType) {
            case UINT8, INT8 -> {
                byte[] values = new byte[n];
                for (int i = 0; i < n; i++) {
                    values[i] = reader.readByte(key);
                }
                yield values;
            }
            case BOOL -> {
                boolean[] values = new boolean[n];
                for (int i = 0; i < n; i++) {
                    values[i] = readBool(reader, key);
                }
                yield values;
            }
            case UINT16, INT16 -> {
                short[] values = new short[n];
                for (int i = 0; i < n; i++) {
                    values[i] = reader.readShort(key);
                }
                yield values;
            }
            case UINT32, INT32 -> {
                int[] values = new int[n];
                for (int i = 0; i < n; i++) {
                    values[i] = reader.readInt(key);
                }
                yield values;
            }
            case UINT64, INT64 -> {
                long[] values = new long[n];
                for (int i = 0; i < n; i++) {
                    values[i] = reader.readLong(key);
                }
                yield values;
            }
            case FLOAT32 -> {
                float[] values = new float[n];
                for (int i = 0; i < n; i++) {
                    values[i] = reader.readFloat(key);
                }
                yield values;
            }
            case FLOAT64 -> {
                double[] values = new double[n];
                for (int i = 0; i < n; i++) {
                    values[i] = reader.readDouble(key);
                }
                yield values;
            }
            case STRING -> {
                String[] values = new String[n];
                for (int i = 0; i < n; i++) {
                    values[i] = reader.readString(key);
                }
                yield values;
            }
            case ARRAY -> {
                MetadataArray[] values = new MetadataArray[n];
                for (int i = 0; i < n; i++) {
                    values[i] = readArray(reader, key, depth + 1);
                }
                yield values;
            }
        };
        return new MetadataArray(elementType, elements);
    }

    private static long alignUp(long value, int alignment) {
        return (value + alignment - 1) / alignment * alignment;
    }

    public Path path() {
        return path;
    }

    /**
     * Checks, before a request reads the weights, that the mapped file was not changed in place since it was opened:
     * a file truncated under a mapping kills the JVM with SIGBUS when a missing page is touched, and one rewritten in
     * place feeds the model other weights. A file replaced by a new one (a rename, a fresh download) or deleted is
     * harmless: the mapping keeps the version that was opened. What remains is a change between this check and the
     * end of the request, which no check can catch.
     *
     * @throws ModelLoadException naming the file and what changed
     */
    public void checkUnchanged() {
        if (opened == null) {
            return;
        }
        BasicFileAttributes now;
        try {
            now = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (IOException e) {
            return; // deleted or moved: the mapping still holds the file that was opened
        }
        boolean sameFile = opened.fileKey() == null || opened.fileKey().equals(now.fileKey());
        if (!sameFile) {
            return;
        }
        if (now.size() != opened.size() || !now.lastModifiedTime().equals(opened.lastModifiedTime())) {
            throw new ModelLoadException("Model file " + path + " was changed in place while open (size "
                    + opened.size() + " -> " + now.size() + " bytes, modified " + now.lastModifiedTime()
                    + "); reading it now could crash the JVM. Reopen the client to load the new file, and replace "
                    + "models by writing a new file and renaming it over the old one.");
        }
    }

    public int version() {
        return version;
    }

    public long fileSize() {
        return mapping.byteSize();
    }

    public int alignment() {
        return alignment;
    }

    /** Absolute file offset where the tensor data section begins. */
    public long dataStart() {
        return dataStart;
    }

    public GgufMetadata metadata() {
        return metadata;
    }

    public List<GgufTensorInfo> tensors() {
        return tensors;
    }

    public Optional<GgufTensorInfo> tensor(String name) {
        return Optional.ofNullable(tensorsByName.get(name));
    }

    /** The tensor's bytes, a read-only slice of the mapping (bounds were checked when the file was opened). */
    public MemorySegment data(GgufTensorInfo tensor) {
        return mapping.asSlice(tensor.dataOffset(), tensor.byteSize());
    }

    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "GGUF v" + version + " " + path + " (" + metadata.entries().size() + " keys, " + tensors.size() + " tensors)";
    }
}
