package dev.hearth.kvcache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * What must match for cached keys and values to be reusable: the weights (file identity), how the engine computes
 * them (layer range, KV data type, numerics version) — as a SHA-256 digest. Two fingerprints are equal only when all
 * of it is; blocks of a different fingerprint are never returned.
 */
public final class ModelFingerprint {
    /** Bytes hashed at each end of a weights file: the header with all metadata, and the last tensors. */
    private static final int SAMPLED_BYTES = 1 << 20;

    private final byte[] digest;

    private ModelFingerprint(byte[] digest) {
        this.digest = digest;
    }

    /**
     * The fingerprint of a weights file: its size, modification time and the SHA-256 of its first and last MiB,
     * together with {@code computation} (for example {@code "layers=0..22 kv=f32 engine=1"}).
     *
     * @throws UncheckedIOException when the file cannot be read
     */
    public static ModelFingerprint ofWeightsFile(Path file, String computation) {
        MessageDigest sha = sha256();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            sha.update(("size=" + size + " mtime=" + Files.getLastModifiedTime(file).toMillis() + " ")
                    .getBytes(StandardCharsets.UTF_8));
            hashRange(channel, 0, Math.min(size, SAMPLED_BYTES), sha);
            long tailStart = Math.max(0, size - SAMPLED_BYTES);
            hashRange(channel, tailStart, size - tailStart, sha);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot fingerprint " + file + ": " + e.getMessage(), e);
        }
        sha.update(computation.getBytes(StandardCharsets.UTF_8));
        return new ModelFingerprint(sha.digest());
    }

    /** A fingerprint of any description (for engines whose weights are not one file, and for tests). */
    public static ModelFingerprint of(String description) {
        return new ModelFingerprint(sha256().digest(description.getBytes(StandardCharsets.UTF_8)));
    }

    static ModelFingerprint fromBytes(byte[] digest) {
        if (digest.length != 32) {
            throw new IllegalArgumentException("a fingerprint has 32 bytes, got " + digest.length);
        }
        return new ModelFingerprint(digest.clone());
    }

    byte[] bytes() {
        return digest.clone();
    }

    void writeTo(ByteBuffer buffer) {
        buffer.put(digest);
    }

    private static void hashRange(FileChannel channel, long from, long length, MessageDigest sha) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate((int) length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, from + buffer.position()) < 0) {
                throw new IOException("unexpected end of file");
            }
        }
        sha.update(buffer.flip());
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ModelFingerprint that && Arrays.equals(digest, that.digest);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(digest);
    }

    @Override
    public String toString() {
        return HexFormat.of().formatHex(digest, 0, 8);
    }
}
