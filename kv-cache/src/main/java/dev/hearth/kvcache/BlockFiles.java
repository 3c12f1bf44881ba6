package dev.hearth.kvcache;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.CRC32C;

/**
 * The disk tier: one self-describing file per block, named by its key. A file is
 * {@code header | token ids | header CRC | keys and values | data CRC}; the header repeats the fingerprint, the shape,
 * the block's key and its parent's key, so the directory itself is the index that survives a restart. Files are
 * written under a temporary name and renamed, and every field is checked before a file is believed: a torn, foreign
 * or corrupted file is reported and ignored, never loaded.
 */
final class BlockFiles {
    private static final Logger LOG = LoggerFactory.getLogger(BlockFiles.class);
    static final String SUFFIX = ".kvb";
    private static final int MAGIC = 0x4256_4B48; // "HKVB" little-endian
    private static final int VERSION = 1;
    /** magic, version, fingerprint, key, parent, layers, kvDimension, blockSize, depth. */
    private static final int FIXED_HEADER = 4 + 4 + 32 + BlockKey.BYTES * 2 + 4 * 4;

    private final Path directory;
    private final ModelFingerprint fingerprint;
    private final KvShape shape;
    private final int blockSize;
    private final long dataBytes;
    private final SpillWriter writer;

    BlockFiles(Path directory, ModelFingerprint fingerprint, KvShape shape, int blockSize, SpillWriter writer) {
        this.directory = directory;
        this.fingerprint = fingerprint;
        this.shape = shape;
        this.blockSize = blockSize;
        this.dataBytes = shape.bytesFor(blockSize);
        this.writer = writer;
    }

    Path directory() {
        return directory;
    }

    private int headerBytes() {
        return FIXED_HEADER + blockSize * Integer.BYTES + Integer.BYTES;
    }

    long fileBytes() {
        return headerBytes() + dataBytes + Integer.BYTES;
    }

    Path fileOf(BlockKey key) {
        return directory.resolve(key.hex() + SUFFIX);
    }

    /** Writes a resident block's file; on failure nothing is left under the block's name. */
    void write(Block block) throws IOException {
        writer.ensureDirectory(directory);
        ByteBuffer header = ByteBuffer.allocate(headerBytes()).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(MAGIC).putInt(VERSION);
        fingerprint.writeTo(header);
        block.key.writeTo(header);
        block.parent.writeTo(header);
        header.putInt(shape.layers()).putInt(shape.kvDimension()).putInt(blockSize).putInt(block.depth);
        for (int token : block.tokens) {
            header.putInt(token);
        }
        CRC32C headerCrc = new CRC32C();
        headerCrc.update(header.array(), 0, header.position());
        header.putInt((int) headerCrc.getValue()).flip();
        ByteBuffer data = block.data.asByteBuffer();
        CRC32C dataCrc = new CRC32C();
        dataCrc.update(data.duplicate());
        ByteBuffer trailer = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) dataCrc.getValue()).flip();
        Path target = fileOf(block.key);
        Path temporary = directory.resolve(block.key.hex() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        try {
            writer.write(temporary, header, data, trailer);
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
    }

    /**
     * Maps a block's file back and copies its keys and values into a new off-heap segment, after checking that the
     * file still describes this block and its data checksum holds.
     */
    void read(Block block) throws IOException {
        Path file = fileOf(block.key);
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ); Arena mapping = Arena.ofConfined()) {
            if (channel.size() != fileBytes()) {
                throw new IOException(file + " has " + channel.size() + " bytes, expected " + fileBytes());
            }
            MemorySegment mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, fileBytes(), mapping);
            Header header = parse(mapped.asSlice(0, headerBytes()).asByteBuffer().order(ByteOrder.LITTLE_ENDIAN), file);
            if (!header.key.equals(block.key) || !Arrays.equals(header.tokens, block.tokens)) {
                throw new IOException(file + " no longer holds block " + block.key.hex());
            }
            MemorySegment data = mapped.asSlice(headerBytes(), dataBytes);
            CRC32C crc = new CRC32C();
            crc.update(data.asByteBuffer());
            int stored = mapped.get(PrefixStore.INT_LE, headerBytes() + dataBytes);
            if ((int) crc.getValue() != stored) {
                throw new IOException(file + " is corrupted: its data checksum does not match");
            }
            MemorySegment copy = arena.allocate(dataBytes, 64);
            copy.copyFrom(data);
            block.arena = arena;
            block.data = copy;
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    void delete(BlockKey key) {
        try {
            Files.deleteIfExists(fileOf(key));
        } catch (IOException e) {
            LOG.warn("Cannot delete prefix-cache file {}: {}", fileOf(key), e.toString());
        }
    }

    record Header(BlockKey key, BlockKey parent, int depth, int[] tokens) {
    }

    /** A temporary file this class wrote: {@code <key hex>.<random hex>.tmp}. */
    private static final java.util.regex.Pattern TEMPORARY = java.util.regex.Pattern.compile(
            "[0-9a-f]{" + BlockKey.BYTES * 2 + "}\\.[0-9a-f]{1,16}\\.tmp");
    /** A temporary file older than this was left by a writer that died (a live one renames it within moments). */
    static final java.time.Duration STALE_TEMPORARY = java.time.Duration.ofMinutes(10);

    /**
     * Deletes the temporary files a killed process left behind (a whole block's size each, which no limit counted).
     * Only files named as this class names them and older than {@link #STALE_TEMPORARY} are touched, so another
     * process writing into the same directory right now is left alone. Returns how many were deleted.
     */
    int deleteStaleTemporaries() {
        if (!Files.isDirectory(directory)) {
            return 0;
        }
        int deleted = 0;
        java.nio.file.attribute.FileTime cutoff = java.nio.file.attribute.FileTime.from(
                java.time.Instant.now().minus(STALE_TEMPORARY));
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.tmp")) {
            for (Path file : files) {
                try {
                    if (TEMPORARY.matcher(file.getFileName().toString()).matches()
                            && Files.getLastModifiedTime(file).compareTo(cutoff) < 0 && Files.deleteIfExists(file)) {
                        deleted++;
                    }
                } catch (IOException e) {
                    LOG.warn("Cannot delete the stale prefix-cache file {}: {}", file, e.toString());
                }
            }
        } catch (IOException e) {
            LOG.warn("Cannot list {} for stale temporary files: {}", directory, e.toString());
        }
        if (deleted > 0) {
            LOG.info("Prefix cache: deleted {} temporary files left in {} by a process that stopped mid-write", deleted,
                    directory);
        }
        return deleted;
    }

    /** The valid blocks of this model in the directory; anything else is counted, reported once and ignored. */
    List<Header> scan() {
        List<Header> found = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return found;
        }
        int foreign = 0;
        List<String> invalid = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
            for (Path file : files) {
                try {
                    Header header = readHeader(file);
                    if (header == null) {
                        foreign++;
                    } else {
                        found.add(header);
                    }
                } catch (IOException e) {
                    invalid.add(file.getFileName() + " (" + e.getMessage() + ")");
                }
            }
        } catch (IOException e) {
            LOG.warn("Cannot list the prefix-cache directory {}; starting with an empty disk tier: {}", directory, e.toString());
            return List.of();
        }
        if (foreign > 0) {
            LOG.info("Ignoring {} prefix-cache files in {} written for another model or block layout", foreign, directory);
        }
        if (!invalid.isEmpty()) {
            LOG.warn("Ignoring {} damaged prefix-cache files in {} (never loaded): {}", invalid.size(), directory,
                    invalid.subList(0, Math.min(5, invalid.size())));
        }
        return found;
    }

    /** The header of a file of this store, null for a valid file of another model or layout. */
    private Header readHeader(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer start = ByteBuffer.allocate(FIXED_HEADER).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, start, 0);
            start.flip();
            if (start.remaining() < FIXED_HEADER || start.getInt(0) != MAGIC) {
                throw new IOException("not a prefix-cache block file or torn");
            }
            if (start.getInt(4) != VERSION) {
                return null;
            }
            byte[] digest = new byte[32];
            start.get(8, digest);
            int layers = start.getInt(8 + 32 + 2 * BlockKey.BYTES);
            int kvDimension = start.getInt(12 + 32 + 2 * BlockKey.BYTES);
            int size = start.getInt(16 + 32 + 2 * BlockKey.BYTES);
            if (!ModelFingerprint.fromBytes(digest).equals(fingerprint) || layers != shape.layers()
                    || kvDimension != shape.kvDimension() || size != blockSize) {
                return null;
            }
            if (channel.size() != fileBytes()) {
                throw new IOException("torn: " + channel.size() + " bytes instead of " + fileBytes());
            }
            ByteBuffer header = ByteBuffer.allocate(headerBytes()).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, header, 0);
            Header parsed = parse(header.flip(), file);
            if (!file.getFileName().toString().equals(parsed.key.hex() + SUFFIX)) {
                throw new IOException("its name does not match the key it holds");
            }
            return parsed;
        } catch (NoSuchFileException e) {
            throw new IOException("vanished while reading", e);
        }
    }

    private Header parse(ByteBuffer header, Path file) throws IOException {
        CRC32C crc = new CRC32C();
        crc.update(header.duplicate().limit(headerBytes() - Integer.BYTES));
        if ((int) crc.getValue() != header.getInt(headerBytes() - Integer.BYTES)) {
            throw new IOException("header checksum does not match");
        }
        header.position(8 + 32);
        BlockKey key = BlockKey.read(header);
        BlockKey parent = BlockKey.read(header);
        header.position(header.position() + 12);
        int depth = header.getInt();
        int[] tokens = new int[blockSize];
        for (int i = 0; i < blockSize; i++) {
            tokens[i] = header.getInt();
        }
        if (depth < 0 || !parent.child(tokens, 0, blockSize).equals(key)) {
            throw new IOException("its key is not the hash of its parent and tokens");
        }
        return new Header(key, parent, depth, tokens);
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, position + buffer.position());
            if (read < 0) {
                return;
            }
        }
    }
}
