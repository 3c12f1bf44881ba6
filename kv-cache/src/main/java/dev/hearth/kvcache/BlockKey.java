package dev.hearth.kvcache;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * A block's identity: SHA-256 of its parent's key, the model fingerprint and its token ids. Chaining the parent's
 * key makes a key name the whole prefix up to the block's end, so equal keys mean equal prefixes (a 256-bit digest
 * makes collisions impossible in practice; hits are still checked against the stored token ids).
 */
record BlockKey(long word0, long word1, long word2, long word3) {
    static final int BYTES = 32;

    /** The key every chain starts from: the fingerprint, the KV shape and the block size. */
    static BlockKey root(ModelFingerprint fingerprint, KvShape shape, int blockSize) {
        MessageDigest sha = ModelFingerprint.sha256();
        sha.update("hearth-kv-root".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        sha.update(fingerprint.bytes());
        ByteBuffer layout = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(shape.layers()).putInt(shape.kvDimension()).putInt(blockSize);
        sha.update(layout.flip());
        return of(sha.digest());
    }

    BlockKey child(int[] tokens, int from, int count) {
        MessageDigest sha = ModelFingerprint.sha256();
        ByteBuffer buffer = ByteBuffer.allocate(BYTES + Integer.BYTES * (count + 1)).order(ByteOrder.LITTLE_ENDIAN);
        writeTo(buffer);
        buffer.putInt(count);
        for (int i = 0; i < count; i++) {
            buffer.putInt(tokens[from + i]);
        }
        sha.update(buffer.flip());
        return of(sha.digest());
    }

    static BlockKey of(byte[] digest) {
        ByteBuffer buffer = ByteBuffer.wrap(digest).order(ByteOrder.BIG_ENDIAN);
        return new BlockKey(buffer.getLong(), buffer.getLong(), buffer.getLong(), buffer.getLong());
    }

    static BlockKey read(ByteBuffer buffer) {
        ByteBuffer big = buffer.slice(buffer.position(), BYTES).order(ByteOrder.BIG_ENDIAN);
        buffer.position(buffer.position() + BYTES);
        return new BlockKey(big.getLong(), big.getLong(), big.getLong(), big.getLong());
    }

    void writeTo(ByteBuffer buffer) {
        ByteOrder order = buffer.order();
        buffer.order(ByteOrder.BIG_ENDIAN).putLong(word0).putLong(word1).putLong(word2).putLong(word3).order(order);
    }

    String hex() {
        HexFormat hex = HexFormat.of();
        return hex.toHexDigits(word0) + hex.toHexDigits(word1) + hex.toHexDigits(word2) + hex.toHexDigits(word3);
    }
}
