package dev.hearth.kvcache;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One cached block: {@code blockSize} token ids and their keys and values (layer by layer: keys then values, each
 * {@code blockSize × kvDimension} little-endian floats). Mutable state is guarded by the store's lock.
 */
final class Block {
    final BlockKey key;
    final BlockKey parent;
    final int[] tokens;
    /** 0 for the first block of a prompt. */
    final int depth;

    /** Off-heap keys and values while the block is in memory; null otherwise. */
    MemorySegment data;
    Arena arena;
    boolean onDisk;
    long fileBytes;
    /** Sessions currently reading or writing through this block. */
    int sessionPins;
    /** Pinned prefixes this block belongs to. */
    int userPins;
    /** Children of this block held in memory: a parent leaves memory only after them. */
    int residentChildren;
    /** Children of this block known to the store (memory or disk): a file is deleted only after theirs. */
    int children;
    /** What Caffeine was told at the last weighing: eligible for eviction (weight = bytes) or not (weight 0). */
    boolean weighedEvictable;
    long lastUsed;

    Block(BlockKey key, BlockKey parent, int[] tokens, int depth) {
        this.key = key;
        this.parent = parent;
        this.tokens = tokens;
        this.depth = depth;
    }

    boolean resident() {
        return data != null;
    }

    boolean evictable() {
        return sessionPins == 0 && userPins == 0 && residentChildren == 0;
    }

    void release() {
        if (arena != null) {
            arena.close();
        }
        arena = null;
        data = null;
    }
}
