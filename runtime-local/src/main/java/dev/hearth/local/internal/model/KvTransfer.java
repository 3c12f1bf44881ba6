package dev.hearth.local.internal.model;

import dev.hearth.kvcache.KvArrays;

/**
 * Lets the prefix cache copy whole positions in and out of a session's {@link KvCache} without widening that class's
 * own accessors: {@link #arrays} reads the current per-layer arrays on every call (they move when the cache grows),
 * and {@link #prepareRestore} makes room for positions about to be copied in.
 */
public final class KvTransfer {
    private KvTransfer() {
    }

    public static KvArrays arrays(KvCache cache) {
        return new KvArrays() {
            @Override
            public float[] keys(int layer) {
                return cache.keys(layer);
            }

            @Override
            public float[] values(int layer) {
                return cache.values(layer);
            }
        };
    }

    /**
     * Empties the cache, then makes positions {@code [0, length)} valid and allocated; the caller copies their keys
     * and values in right after (before any forward pass).
     */
    public static void prepareRestore(KvCache cache, int length) {
        cache.truncate(0);
        if (length > 0) {
            cache.ensurePosition(length - 1);
            cache.commit(length - 1);
        }
    }
}
