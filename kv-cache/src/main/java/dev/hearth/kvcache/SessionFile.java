package dev.hearth.kvcache;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * A whole session saved to one file: its token ids and, for every position, the keys and values of every layer.
 * Layout: {@code magic | version | fingerprint | layers | kvDimension | length | token ids | keys and values
 * (per layer: keys of all positions, then values) | CRC32C of everything before}. Written under a temporary name and
 * renamed; read back only when the fingerprint, the shape and the checksum all match.
 */
public final class SessionFile implements AutoCloseable {
    private static final int MAGIC = 0x5356_4B48; // "HKVS" little-endian
    private static final int VERSION = 1;
    private static final int FIXED_HEADER = 4 + 4 + 32 + 4 * 3;

    private final Arena arena;
    private final MemorySegment mapped;
    private final int[] tokens;
    private final KvShape shape;

    private SessionFile(Arena arena, MemorySegment mapped, int[] tokens, KvShape shape) {
        this.arena = arena;
        this.mapped = mapped;
        this.tokens = tokens;
        this.shape = shape;
    }

    /** Writes positions {@code [0, length)} of a session. */
    public static void write(Path file, ModelFingerprint fingerprint, KvShape shape, int[] tokens, int length,
                             KvArrays source) throws IOException {
        long dataBytes = shape.bytesFor(length);
        Path directory = file.toAbsolutePath().getParent();
        Path temporary = Files.createTempFile(directory, file.getFileName().toString(), ".tmp");
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.READ, StandardOpenOption.WRITE);
             Arena mapping = Arena.ofConfined()) {
            long total = FIXED_HEADER + (long) length * Integer.BYTES + dataBytes + Integer.BYTES;
            MemorySegment out = channel.map(FileChannel.MapMode.READ_WRITE, 0, total, mapping);
            out.set(PrefixStore.INT_LE, 0, MAGIC);
            out.set(PrefixStore.INT_LE, 4, VERSION);
            MemorySegment.copy(MemorySegment.ofArray(fingerprint.bytes()), 0, out, 8, 32);
            out.set(PrefixStore.INT_LE, 40, shape.layers());
            out.set(PrefixStore.INT_LE, 44, shape.kvDimension());
            out.set(PrefixStore.INT_LE, 48, length);
            MemorySegment.copy(tokens, 0, out, PrefixStore.INT_LE, FIXED_HEADER, length);
            long at = FIXED_HEADER + (long) length * Integer.BYTES;
            int floats = length * shape.kvDimension();
            for (int layer = 0; layer < shape.layers(); layer++) {
                MemorySegment.copy(source.keys(layer), 0, out, PrefixStore.FLOAT_LE, at, floats);
                at += (long) floats * Float.BYTES;
                MemorySegment.copy(source.values(layer), 0, out, PrefixStore.FLOAT_LE, at, floats);
                at += (long) floats * Float.BYTES;
            }
            out.set(PrefixStore.INT_LE, at, checksum(out.asSlice(0, at)));
            out.force();
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Opens a saved session of this model.
     *
     * @throws IOException when the file is unreadable, damaged, or was saved for another model or shape (the
     *                     message says which)
     */
    public static SessionFile read(Path file, ModelFingerprint fingerprint, KvShape shape) throws IOException {
        Arena arena = Arena.ofConfined();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < FIXED_HEADER + Integer.BYTES) {
                throw new IOException(file + " is too short to be a saved session");
            }
            MemorySegment in = channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            if (in.get(PrefixStore.INT_LE, 0) != MAGIC || in.get(PrefixStore.INT_LE, 4) != VERSION) {
                throw new IOException(file + " is not a Hearth saved session (or of another version)");
            }
            byte[] digest = in.asSlice(8, 32).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            if (!ModelFingerprint.fromBytes(digest).equals(fingerprint)) {
                throw new IOException(file + " was saved by another model (or another version of this model file)");
            }
            KvShape saved = new KvShape(in.get(PrefixStore.INT_LE, 40), in.get(PrefixStore.INT_LE, 44));
            int length = in.get(PrefixStore.INT_LE, 48);
            if (!saved.equals(shape) || length < 0) {
                throw new IOException(file + " holds keys and values of shape " + saved + ", expected " + shape);
            }
            long body = FIXED_HEADER + (long) length * Integer.BYTES + shape.bytesFor(length);
            if (size != body + Integer.BYTES) {
                throw new IOException(file + " is torn: " + size + " bytes instead of " + (body + Integer.BYTES));
            }
            if (checksum(in.asSlice(0, body)) != in.get(PrefixStore.INT_LE, body)) {
                throw new IOException(file + " is corrupted: its checksum does not match");
            }
            int[] tokens = in.asSlice(FIXED_HEADER, (long) length * Integer.BYTES).toArray(PrefixStore.INT_LE);
            return new SessionFile(arena, in, tokens, shape);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** The saved session's token ids, prompt and answer. */
    public int[] tokens() {
        return tokens.clone();
    }

    public int length() {
        return tokens.length;
    }

    /** Copies the keys and values of positions {@code [0, count)} into {@code target}. */
    public void copyInto(KvArrays target, int count) {
        if (count < 0 || count > tokens.length) {
            throw new IllegalArgumentException("count " + count + " is outside [0, " + tokens.length + "]");
        }
        long at = FIXED_HEADER + (long) tokens.length * Integer.BYTES;
        long layerFloats = (long) tokens.length * shape.kvDimension();
        int floats = count * shape.kvDimension();
        for (int layer = 0; layer < shape.layers(); layer++) {
            MemorySegment.copy(mapped, PrefixStore.FLOAT_LE, at, target.keys(layer), 0, floats);
            at += layerFloats * Float.BYTES;
            MemorySegment.copy(mapped, PrefixStore.FLOAT_LE, at, target.values(layer), 0, floats);
            at += layerFloats * Float.BYTES;
        }
    }

    private static int checksum(MemorySegment segment) {
        CRC32C crc = new CRC32C();
        long chunk = 1 << 26;
        for (long offset = 0; offset < segment.byteSize(); offset += chunk) {
            ByteBuffer part = segment.asSlice(offset, Math.min(chunk, segment.byteSize() - offset)).asByteBuffer();
            crc.update(part.order(ByteOrder.LITTLE_ENDIAN));
        }
        return (int) crc.getValue();
    }

    @Override
    public void close() {
        arena.close();
    }
}
