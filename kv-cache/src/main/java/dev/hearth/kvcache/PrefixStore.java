package dev.hearth.kvcache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Policy;
import dev.hearth.api.CacheStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The prefix cache of one model, opened by {@link PrefixCache#open}: the engine asks it for the longest cached prefix
 * of a prompt ({@link #lookup}), copies that prefix's keys and values into its session, computes the rest, and hands
 * the new full blocks back ({@link #store}).
 *
 * <p>Blocks live off-heap. Caffeine bounds the bytes in memory; a block that a session is using, that belongs to a
 * pinned prefix, or that still has children in memory weighs 0 for Caffeine and so is never chosen for eviction — a
 * parent therefore always leaves memory after its children. With a disk tier, evicted blocks are written to files
 * and copied back on a hit; without one they are dropped. Disk trouble (full, deleted, corrupted) costs cache hits,
 * never correctness: every failure is logged and the affected block is forgotten.
 *
 * <p>Thread-safe: all operations take one lock; copies of keys and values happen under it too, so a block cannot be
 * freed while it is read.
 */
public final class PrefixStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PrefixStore.class);
    static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Object lock = new Object();
    private final KvShape shape;
    private final int blockSize;
    private final long blockBytes;
    private final long memoryBytes;
    private final long diskBytesLimit;
    private final BlockKey root;
    private final BlockFiles disk;
    private final Map<BlockKey, Block> index = new HashMap<>();
    private final Cache<BlockKey, Block> memory;
    private final Policy.Eviction<BlockKey, Block> eviction;
    private final ArrayDeque<Block> evicted = new ArrayDeque<>();
    /** Pinned prefixes by the key of their last block, least recently pinned first. */
    private final LinkedHashMap<BlockKey, List<Block>> pins = new LinkedHashMap<>(16, 0.75f, true);

    private long residentBlocks;
    /** Resident blocks Caffeine weighs at their size (the others weigh 0). */
    private long weighedBlocks;
    private long pinnedBlocks;
    private long diskBytes;
    private long clock;
    private long hits;
    private long misses;
    private long hitTokens;
    private long evictions;
    private boolean diskWarned;
    private boolean closed;

    PrefixStore(ModelFingerprint fingerprint, KvShape shape, int blockSize, long memoryBytes, BlockFiles disk, long diskBytesLimit) {
        this.shape = shape;
        this.blockSize = blockSize;
        this.blockBytes = shape.bytesFor(blockSize);
        if (blockBytes > Integer.MAX_VALUE) {
            throw new dev.hearth.api.ConfigurationException("A block of " + blockSize + " tokens takes " + blockBytes
                    + " bytes for this model; use a smaller blockSize");
        }
        this.memoryBytes = memoryBytes;
        this.disk = disk;
        this.diskBytesLimit = diskBytesLimit;
        this.root = BlockKey.root(fingerprint, shape, blockSize);
        this.memory = Caffeine.newBuilder()
                .maximumWeight(memoryBytes)
                .weigher((BlockKey key, Block block) -> block.weighedEvictable ? (int) blockBytes : 0)
                .evictionListener((BlockKey key, Block block, com.github.benmanes.caffeine.cache.RemovalCause cause) -> {
                    if (block != null && cause.wasEvicted()) {
                        evicted.add(block);
                    }
                })
                .executor(Runnable::run)
                .build();
        this.eviction = memory.policy().eviction().orElseThrow();
        if (disk != null) {
            loadDiskIndex();
        }
    }

    private void loadDiskIndex() {
        disk.deleteStaleTemporaries();
        List<BlockFiles.Header> headers = disk.scan();
        for (BlockFiles.Header header : headers) {
            Block block = new Block(header.key(), header.parent(), header.tokens(), header.depth());
            block.onDisk = true;
            block.fileBytes = disk.fileBytes();
            diskBytes += block.fileBytes;
            index.put(block.key, block);
        }
        for (Block block : index.values()) {
            Block parent = index.get(block.parent);
            if (parent != null) {
                parent.children++;
            }
        }
        if (!headers.isEmpty()) {
            LOG.info("Prefix cache: {} blocks ({} bytes) reloaded from {}", headers.size(), diskBytes, disk.directory());
        }
        enforceDiskLimit();
    }

    public int blockSize() {
        return blockSize;
    }

    public KvShape shape() {
        return shape;
    }

    /**
     * Finds the longest cached prefix of {@code tokens[0, maxTokens)} made of whole blocks, checks each block's token
     * ids, brings blocks back from disk as needed and pins them until the returned lease is closed.
     */
    public PrefixLease lookup(int[] tokens, int maxTokens) {
        int limit = Math.min(maxTokens, tokens.length);
        synchronized (lock) {
            ensureOpen();
            List<Block> chain = new ArrayList<>();
            BlockKey key = root;
            for (int start = 0; start + blockSize <= limit; start += blockSize) {
                key = key.child(tokens, start, blockSize);
                Block block = index.get(key);
                if (block == null) {
                    break;
                }
                if (!Arrays.equals(block.tokens, 0, blockSize, tokens, start, start + blockSize)) {
                    LOG.warn("Prefix cache: block {} matched by hash but not by token ids; ignoring it", key.hex());
                    break;
                }
                block.sessionPins++;
                if (!block.resident() && !bringBack(block)) {
                    block.sessionPins--;
                    break;
                }
                reweigh(block);
                memory.getIfPresent(key); // recency for Caffeine
                block.lastUsed = ++clock;
                chain.add(block);
            }
            if (limit >= blockSize) {
                if (chain.isEmpty()) {
                    misses++;
                } else {
                    hits++;
                    hitTokens += (long) chain.size() * blockSize;
                }
            }
            drainEvictions();
            return new PrefixLease(this, chain, blockSize);
        }
    }

    /**
     * Adds the whole blocks of {@code tokens[0, length)} that are not cached yet, copying their keys and values from
     * {@code source} (positions 0 up, as the session holds them). Blocks already cached are only marked as used.
     */
    public void store(int[] tokens, int length, KvArrays source) {
        int blocks = Math.min(length, tokens.length) / blockSize;
        synchronized (lock) {
            ensureOpen();
            List<Block> chain = new ArrayList<>();
            BlockKey key = root;
            Block parent = null;
            try {
                for (int i = 0; i < blocks; i++) {
                    int start = i * blockSize;
                    BlockKey parentKey = key;
                    key = key.child(tokens, start, blockSize);
                    Block block = index.get(key);
                    if (block != null && !Arrays.equals(block.tokens, 0, blockSize, tokens, start, start + blockSize)) {
                        LOG.warn("Prefix cache: block {} matched by hash but not by token ids; not storing past it", key.hex());
                        return;
                    }
                    if (block == null) {
                        block = new Block(key, parentKey, Arrays.copyOfRange(tokens, start, start + blockSize), i);
                        index.put(key, block);
                        if (parent != null) {
                            parent.children++;
                        }
                    }
                    // pinned while the chain is built, so no block leaves memory before its child arrives
                    block.sessionPins++;
                    chain.add(block);
                    if (!block.resident()) {
                        Arena arena = Arena.ofShared();
                        MemorySegment data = arena.allocate(blockBytes, 64);
                        copyIn(source, start, data);
                        block.arena = arena;
                        block.data = data;
                        admit(block);
                    } else {
                        reweigh(block);
                        memory.getIfPresent(key);
                    }
                    block.lastUsed = ++clock;
                    parent = block;
                }
            } finally {
                release(chain);
            }
        }
    }

    /**
     * Pins the whole blocks of {@code tokens[0, length)} (which must be cached, as after {@link #store}) so they stay
     * in memory. Pins are bounded: when pinned blocks would exceed half the memory budget, the least recently pinned
     * prefixes are released.
     *
     * @return how many tokens are pinned now
     */
    public int pin(int[] tokens, int length) {
        int blocks = Math.min(length, tokens.length) / blockSize;
        synchronized (lock) {
            ensureOpen();
            List<Block> chain = new ArrayList<>();
            BlockKey key = root;
            for (int i = 0; i < blocks; i++) {
                key = key.child(tokens, i * blockSize, blockSize);
                Block block = index.get(key);
                if (block == null || !block.resident()) {
                    break;
                }
                chain.add(block);
            }
            if (chain.isEmpty()) {
                return 0;
            }
            BlockKey last = chain.getLast().key;
            if (pins.get(last) == null) {
                for (Block block : chain) {
                    if (block.userPins++ == 0) {
                        pinnedBlocks++;
                    }
                    reweigh(block);
                }
                pins.put(last, chain);
            }
            while (pinnedBlocks * blockBytes > memoryBytes / 2 && pins.size() > 1) {
                Iterator<Map.Entry<BlockKey, List<Block>>> oldest = pins.entrySet().iterator();
                List<Block> released = oldest.next().getValue();
                oldest.remove();
                LOG.info("Prefix cache: releasing the oldest pinned prefix ({} tokens) to keep pins within half the memory budget",
                        released.size() * blockSize);
                unpin(released);
            }
            if (pinnedBlocks * blockBytes > memoryBytes / 2) {
                pins.remove(last);
                unpin(chain);
                LOG.warn("Prefix cache: a prefix of {} tokens is too large to pin within half of {} bytes; not pinned",
                        chain.size() * blockSize, memoryBytes);
                drainEvictions();
                return 0;
            }
            drainEvictions();
            return chain.size() * blockSize;
        }
    }

    private void unpin(List<Block> chain) {
        for (Block block : chain) {
            if (--block.userPins == 0) {
                pinnedBlocks--;
            }
            reweigh(block);
        }
    }

    public CacheStats stats() {
        synchronized (lock) {
            return new CacheStats(hits, misses, hitTokens, residentBlocks * blockBytes, diskBytes, evictions);
        }
    }

    /** Copies a lease's blocks into {@code target}, positions 0 up. */
    void copyOut(List<Block> chain, KvArrays target) {
        synchronized (lock) {
            ensureOpen();
            int floats = blockSize * shape.kvDimension();
            for (int i = 0; i < chain.size(); i++) {
                MemorySegment data = chain.get(i).data;
                for (int layer = 0; layer < shape.layers(); layer++) {
                    long keysAt = layerOffset(layer);
                    MemorySegment.copy(data, FLOAT_LE, keysAt, target.keys(layer), i * floats, floats);
                    MemorySegment.copy(data, FLOAT_LE, keysAt + (long) floats * Float.BYTES, target.values(layer), i * floats, floats);
                }
            }
        }
    }

    private void copyIn(KvArrays source, int start, MemorySegment data) {
        int floats = blockSize * shape.kvDimension();
        int from = start * shape.kvDimension();
        for (int layer = 0; layer < shape.layers(); layer++) {
            long keysAt = layerOffset(layer);
            MemorySegment.copy(source.keys(layer), from, data, FLOAT_LE, keysAt, floats);
            MemorySegment.copy(source.values(layer), from, data, FLOAT_LE, keysAt + (long) floats * Float.BYTES, floats);
        }
    }

    private long layerOffset(int layer) {
        return (long) layer * 2 * blockSize * shape.kvDimension() * Float.BYTES;
    }

    void release(List<Block> chain) {
        synchronized (lock) {
            if (closed) {
                return;
            }
            for (Block block : chain) {
                block.sessionPins--;
                reweigh(block);
            }
            drainEvictions();
        }
    }

    /** Puts a block that just became resident into memory, below a resident parent. */
    private void admit(Block block) {
        residentBlocks++;
        Block parent = index.get(block.parent);
        if (parent != null && parent.resident()) {
            parent.residentChildren++;
            reweigh(parent);
        }
        block.weighedEvictable = block.evictable();
        if (block.weighedEvictable) {
            weighedBlocks++;
        }
        memory.put(block.key, block);
        updateMaximum();
        drainEvictions();
    }

    /** Tells Caffeine a resident block's new weight when its eligibility for eviction changed. */
    private void reweigh(Block block) {
        if (!block.resident() || block.weighedEvictable == block.evictable()) {
            return;
        }
        block.weighedEvictable = block.evictable();
        weighedBlocks += block.weighedEvictable ? 1 : -1;
        updateMaximum();
        memory.put(block.key, block);
    }

    /** Caffeine sees only evictable bytes, so its limit is the budget minus the bytes it cannot evict. */
    private void updateMaximum() {
        long unweighed = (residentBlocks - weighedBlocks) * blockBytes;
        eviction.setMaximum(Math.max(0, memoryBytes - unweighed));
    }

    private boolean bringBack(Block block) {
        try {
            disk.read(block);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Prefix cache: cannot load block {} from disk ({}); forgetting it and computing instead",
                    block.key.hex(), e.getMessage());
            forgetFile(block);
            return false;
        }
        admit(block);
        return true;
    }

    /** Moves the blocks Caffeine chose out of memory: to disk when possible, otherwise out of the store. */
    private void drainEvictions() {
        Block block;
        while ((block = evicted.poll()) != null) {
            if (!block.resident() || memory.getIfPresent(block.key) != null) {
                continue;
            }
            if (!block.evictable()) {
                // defensive: Caffeine only ever chooses entries weighed above 0, which are evictable
                block.weighedEvictable = false;
                memory.put(block.key, block);
                continue;
            }
            evictions++;
            weighedBlocks--;
            residentBlocks--;
            if (disk != null && !block.onDisk && !closed) {
                spill(block);
            }
            block.release();
            Block parent = index.get(block.parent);
            if (parent != null && parent.resident()) {
                parent.residentChildren--;
                reweigh(parent);
            }
            if (!block.onDisk) {
                forget(block);
            }
            updateMaximum();
        }
        enforceDiskLimit();
    }

    private void spill(Block block) {
        try {
            disk.write(block);
            block.onDisk = true;
            block.fileBytes = disk.fileBytes();
            diskBytes += block.fileBytes;
            diskWarned = false;
        } catch (IOException | RuntimeException e) {
            if (!diskWarned) {
                LOG.warn("Prefix cache: cannot spill to {} ({}); evicted blocks are dropped until writing works again",
                        disk.directory(), e.toString());
                diskWarned = true;
            }
        }
    }

    private void forgetFile(Block block) {
        if (block.onDisk) {
            disk.delete(block.key);
            block.onDisk = false;
            diskBytes -= block.fileBytes;
        }
        if (!block.resident()) {
            forget(block);
        }
    }

    private void forget(Block block) {
        if (index.remove(block.key) != null) {
            Block parent = index.get(block.parent);
            if (parent != null) {
                parent.children--;
            }
        }
    }

    /** Deletes least recently used leaf files until the disk tier fits its limit. */
    private void enforceDiskLimit() {
        while (disk != null && diskBytes > diskBytesLimit) {
            Block victim = null;
            for (Block candidate : index.values()) {
                if (candidate.onDisk && candidate.children == 0 && candidate.sessionPins == 0
                        && (victim == null || candidate.lastUsed < victim.lastUsed)) {
                    victim = candidate;
                }
            }
            if (victim == null) {
                return;
            }
            forgetFile(victim);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("this prefix store is closed");
        }
    }

    /** Writes blocks held only in memory to the disk tier (so a restart finds them) and frees all memory. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            List<Block> residents = index.values().stream().filter(Block::resident)
                    .sorted((a, b) -> Integer.compare(a.depth, b.depth)).toList();
            for (Block block : residents) {
                if (disk != null && !block.onDisk) {
                    spill(block);
                }
                block.release();
            }
            memory.invalidateAll();
            evicted.clear();
            residentBlocks = 0;
            weighedBlocks = 0;
            // the blocks spilled just now count against the disk limit like any others
            enforceDiskLimit();
        }
    }
}
