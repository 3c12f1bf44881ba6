package dev.hearth.api;

/**
 * Counters of a runtime's prefix cache since it was opened, as seen by {@link InferenceListener#cacheStats}.
 *
 * @param hits          lookups that reused at least one cached block
 * @param misses        lookups that could have reused a block but found none
 * @param hitTokens     prompt tokens served from the cache instead of being computed
 * @param bytesInMemory bytes of cached keys and values held in memory now
 * @param bytesOnDisk   bytes of cached blocks in the disk tier now
 * @param evictions     blocks moved out of memory (to disk, or dropped when there is no disk tier)
 */
public record CacheStats(long hits, long misses, long hitTokens, long bytesInMemory, long bytesOnDisk, long evictions) {
    public CacheStats {
        if (hits < 0 || misses < 0 || hitTokens < 0 || bytesInMemory < 0 || bytesOnDisk < 0 || evictions < 0) {
            throw new IllegalArgumentException("Cache counters cannot be negative: " + hits + ", " + misses + ", "
                    + hitTokens + ", " + bytesInMemory + ", " + bytesOnDisk + ", " + evictions);
        }
    }
}
