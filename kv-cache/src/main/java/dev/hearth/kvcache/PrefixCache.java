package dev.hearth.kvcache;

import dev.hearth.api.ConfigurationException;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * How a local runtime caches the keys and values of prompt prefixes, so that a prompt repeating an earlier one's start
 * (an agent's system prompt, tool definitions and history) computes only its new tokens:
 *
 * <pre>{@code
 * InferenceClient client = InferenceClient.builder()
 *         .runtime(Gguf.model(path).prefixCache(PrefixCache.inMemory(512L << 20).spillTo(Path.of("kv-cache"))))
 *         .build();
 * }</pre>
 *
 * <p>Keys and values are kept in blocks of {@link #blockSize} tokens (default 32), each keyed by a SHA-256 chained
 * over the model's fingerprint and all tokens up to the block's end, so a hit is exactly the same prefix on exactly
 * the same weights; results are bit-identical to computing the prompt. Memory is bounded by {@code bytes}; with
 * {@link #spillTo} evicted blocks go to files there (bounded by {@code maxDiskBytes}), are found again after a
 * restart, and files that are torn, corrupted or written for another model are ignored with a warning.
 * Setters fail fast, naming the bad value.
 */
public final class PrefixCache {
    public static final int DEFAULT_BLOCK_SIZE = 32;

    private final long memoryBytes;
    private int blockSize = DEFAULT_BLOCK_SIZE;
    private Path spillDirectory;
    private long maxDiskBytes;

    private PrefixCache(long memoryBytes) {
        this.memoryBytes = memoryBytes;
    }

    /** A cache holding at most {@code bytes} of keys and values in (off-heap) memory. */
    public static PrefixCache inMemory(long bytes) {
        if (bytes < 1) {
            throw new ConfigurationException("A prefix cache needs a positive memory budget in bytes, was " + bytes);
        }
        return new PrefixCache(bytes);
    }

    /** Spills evicted blocks to {@code directory}, keeping at most 8 times the memory budget there. */
    public PrefixCache spillTo(Path directory) {
        return spillTo(directory, memoryBytes > Long.MAX_VALUE / 8 ? Long.MAX_VALUE : memoryBytes * 8);
    }

    /** Spills evicted blocks to {@code directory}, keeping at most {@code maxDiskBytes} there. */
    public PrefixCache spillTo(Path directory, long maxDiskBytes) {
        Objects.requireNonNull(directory, "directory");
        if (maxDiskBytes < 1) {
            throw new ConfigurationException("maxDiskBytes must be positive, was " + maxDiskBytes);
        }
        this.spillDirectory = directory;
        this.maxDiskBytes = maxDiskBytes;
        return this;
    }

    /** Tokens per block, between 1 and 1024 (default 32): smaller blocks reuse more of a prompt, larger ones cost less. */
    public PrefixCache blockSize(int tokens) {
        if (tokens < 1 || tokens > 1024) {
            throw new ConfigurationException("blockSize must be between 1 and 1024 tokens, was " + tokens);
        }
        this.blockSize = tokens;
        return this;
    }

    public long memoryBytes() {
        return memoryBytes;
    }

    public int blockSize() {
        return blockSize;
    }

    public Optional<Path> spillDirectory() {
        return Optional.ofNullable(spillDirectory);
    }

    public long maxDiskBytes() {
        return maxDiskBytes;
    }

    /** Opens the store of one model (engines call this when they open the model). */
    public PrefixStore open(ModelFingerprint fingerprint, KvShape shape) {
        return open(fingerprint, shape, SpillWriter.FILES);
    }

    PrefixStore open(ModelFingerprint fingerprint, KvShape shape, SpillWriter writer) {
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(shape, "shape");
        BlockFiles disk = spillDirectory == null ? null
                : new BlockFiles(spillDirectory, fingerprint, shape, blockSize, writer);
        return new PrefixStore(fingerprint, shape, blockSize, memoryBytes, disk, maxDiskBytes);
    }

    @Override
    public String toString() {
        return "PrefixCache.inMemory(" + memoryBytes + ").blockSize(" + blockSize + ")"
                + (spillDirectory != null ? ".spillTo(" + spillDirectory + ", " + maxDiskBytes + ")" : "");
    }
}
