package dev.hearth.kvcache;

import dev.hearth.api.CacheStats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PrefixStoreTest {
    static final KvShape SHAPE = new KvShape(3, 8);
    static final int BLOCK = 4;
    static final long BLOCK_BYTES = SHAPE.bytesFor(BLOCK);
    static final ModelFingerprint MODEL = ModelFingerprint.of("test model A");

    @TempDir
    Path directory;
    private final List<PrefixStore> opened = new ArrayList<>();

    @AfterEach
    void closeStores() {
        opened.forEach(PrefixStore::close);
    }

    private PrefixStore open(PrefixCache config, ModelFingerprint model) {
        PrefixStore store = config.blockSize(BLOCK).open(model, SHAPE);
        opened.add(store);
        return store;
    }

    private static int reuse(PrefixStore store, int[] prompt, int max, TestKv expected) {
        try (PrefixLease lease = store.lookup(prompt, max)) {
            TestKv copy = new TestKv(SHAPE, prompt.length);
            lease.copyInto(copy);
            assertThat(copy.samePositions(expected, lease.tokens(), SHAPE.kvDimension())).isTrue();
            return lease.tokens();
        }
    }

    @Test
    void longestCachedPrefixIsFoundBlockByBlockAndCopiedExactly() {
        PrefixStore store = open(PrefixCache.inMemory(1 << 20), MODEL);
        int[] first = TestKv.tokens(100, 12);
        store.store(first, first.length, TestKv.of(SHAPE, first));

        int[] second = first.clone();
        second[9] = 7; // diverges inside the third block
        assertThat(reuse(store, second, second.length, TestKv.of(SHAPE, first))).isEqualTo(8);
        assertThat(reuse(store, first, first.length, TestKv.of(SHAPE, first))).isEqualTo(12);
    }

    @Test
    void aPrefixEndingInsideABlockReusesOnlyTheWholeBlocksBeforeIt() {
        PrefixStore store = open(PrefixCache.inMemory(1 << 20), MODEL);
        int[] tokens = TestKv.tokens(1, 12);
        store.store(tokens, 11, TestKv.of(SHAPE, tokens)); // the partial third block is not stored
        assertThat(reuse(store, tokens, 11, TestKv.of(SHAPE, tokens))).isEqualTo(8);
        assertThat(reuse(store, tokens, 7, TestKv.of(SHAPE, tokens))).isEqualTo(4);
        assertThat(reuse(store, tokens, 3, TestKv.of(SHAPE, tokens))).isZero();
    }

    @Test
    void blocksOfAnotherModelAreNeverReturned() {
        PrefixStore a = open(PrefixCache.inMemory(1 << 20).spillTo(directory), MODEL);
        int[] tokens = TestKv.tokens(5, 8);
        a.store(tokens, 8, TestKv.of(SHAPE, tokens));
        a.close();
        PrefixStore b = open(PrefixCache.inMemory(1 << 20).spillTo(directory), ModelFingerprint.of("test model B"));
        assertThat(reuse(b, tokens, 8, TestKv.of(SHAPE, tokens))).isZero();
        assertThat(b.stats().misses()).isEqualTo(1);
    }

    @Test
    void memoryIsBoundedByBytesAndEvictionTakesLeavesFirst() {
        PrefixStore store = open(PrefixCache.inMemory(3 * BLOCK_BYTES), MODEL);
        int[] tokens = TestKv.tokens(0, 5 * BLOCK);
        store.store(tokens, tokens.length, TestKv.of(SHAPE, tokens));

        CacheStats stats = store.stats();
        assertThat(stats.bytesInMemory()).isLessThanOrEqualTo(3 * BLOCK_BYTES);
        assertThat(stats.evictions()).isEqualTo(2);
        // the two deepest blocks went; the chain's start stayed usable
        assertThat(reuse(store, tokens, tokens.length, TestKv.of(SHAPE, tokens))).isEqualTo(3 * BLOCK);
    }

    @Test
    void blocksInUseBySessionAreNeverEvicted() {
        PrefixStore store = open(PrefixCache.inMemory(2 * BLOCK_BYTES), MODEL);
        int[] shared = TestKv.tokens(0, 2 * BLOCK);
        TestKv sharedKv = TestKv.of(SHAPE, shared);
        store.store(shared, shared.length, sharedKv);
        try (PrefixLease lease = store.lookup(shared, shared.length)) {
            for (int other = 1; other <= 5; other++) {
                int[] tokens = TestKv.tokens(1000 * other, 2 * BLOCK);
                store.store(tokens, tokens.length, TestKv.of(SHAPE, tokens));
            }
            TestKv copy = new TestKv(SHAPE, shared.length);
            lease.copyInto(copy);
            assertThat(lease.tokens()).isEqualTo(shared.length);
            assertThat(copy.samePositions(sharedKv, shared.length, SHAPE.kvDimension())).isTrue();
            assertThat(store.stats().bytesInMemory()).isLessThanOrEqualTo(2 * BLOCK_BYTES);
        }
        assertThat(reuse(store, shared, shared.length, sharedKv)).isEqualTo(shared.length);
    }

    @Test
    void aPinnedPrefixSurvivesPressureFromOtherPrompts() {
        PrefixStore store = open(PrefixCache.inMemory(4 * BLOCK_BYTES), MODEL);
        int[] system = TestKv.tokens(0, 2 * BLOCK);
        store.store(system, system.length, TestKv.of(SHAPE, system));
        assertThat(store.pin(system, system.length)).isEqualTo(system.length);
        for (int other = 1; other <= 10; other++) {
            int[] tokens = TestKv.tokens(1000 * other, 3 * BLOCK);
            store.store(tokens, tokens.length, TestKv.of(SHAPE, tokens));
        }
        assertThat(reuse(store, system, system.length, TestKv.of(SHAPE, system))).isEqualTo(system.length);
        assertThat(store.stats().bytesInMemory()).isLessThanOrEqualTo(4 * BLOCK_BYTES);
    }

    @Test
    void pinsLargerThanHalfTheBudgetAreRefused() {
        PrefixStore store = open(PrefixCache.inMemory(4 * BLOCK_BYTES), MODEL);
        int[] tokens = TestKv.tokens(0, 3 * BLOCK);
        store.store(tokens, tokens.length, TestKv.of(SHAPE, tokens));
        assertThat(store.pin(tokens, tokens.length)).isZero();
    }

    @Test
    void evictedBlocksSpillToDiskAndComeBackOnAHit() {
        PrefixStore store = open(PrefixCache.inMemory(BLOCK_BYTES).spillTo(directory), MODEL);
        int[] tokens = TestKv.tokens(50, 4 * BLOCK);
        TestKv kv = TestKv.of(SHAPE, tokens);
        store.store(tokens, tokens.length, kv);
        assertThat(store.stats().bytesOnDisk()).isPositive();
        assertThat(store.stats().bytesInMemory()).isLessThanOrEqualTo(BLOCK_BYTES);

        assertThat(reuse(store, tokens, tokens.length, kv)).isEqualTo(tokens.length);
        CacheStats stats = store.stats();
        assertThat(stats.hits()).isEqualTo(1);
        assertThat(stats.hitTokens()).isEqualTo(tokens.length);
    }

    @Test
    void metricsCountHitsMissesAndHitTokens() {
        PrefixStore store = open(PrefixCache.inMemory(1 << 20), MODEL);
        int[] tokens = TestKv.tokens(0, 2 * BLOCK);
        reuse(store, tokens, tokens.length, TestKv.of(SHAPE, tokens));
        store.store(tokens, tokens.length, TestKv.of(SHAPE, tokens));
        reuse(store, tokens, tokens.length, TestKv.of(SHAPE, tokens));
        reuse(store, tokens, 5, TestKv.of(SHAPE, tokens));
        reuse(store, tokens, 2, TestKv.of(SHAPE, tokens)); // too short for a block: neither hit nor miss
        assertThat(store.stats()).isEqualTo(new CacheStats(2, 1, 2 * BLOCK + BLOCK, 2 * BLOCK_BYTES, 0, 0));
    }

    @Test
    void closingWritesMemoryBlocksToDiskForTheNextProcess() {
        PrefixCache config = PrefixCache.inMemory(1 << 20).spillTo(directory);
        PrefixStore first = open(config, MODEL);
        int[] tokens = TestKv.tokens(9, 3 * BLOCK);
        first.store(tokens, tokens.length, TestKv.of(SHAPE, tokens));
        first.close();

        PrefixStore second = open(config, MODEL);
        assertThat(second.stats().bytesOnDisk()).isEqualTo(3 * (BLOCK_BYTES + headerBytes()));
        assertThat(reuse(second, tokens, tokens.length, TestKv.of(SHAPE, tokens))).isEqualTo(tokens.length);
    }

    private static long headerBytes() {
        return new BlockFiles(Path.of("."), MODEL, SHAPE, BLOCK, SpillWriter.FILES).fileBytes() - BLOCK_BYTES;
    }

    @Test
    void diskTierIsBoundedAndDropsLeastRecentlyUsedLeavesFirst() {
        long fileBytes = BLOCK_BYTES + headerBytes();
        PrefixStore store = open(PrefixCache.inMemory(BLOCK_BYTES).spillTo(directory, 3 * fileBytes), MODEL);
        int[] tokens = TestKv.tokens(0, 6 * BLOCK);
        store.store(tokens, tokens.length, TestKv.of(SHAPE, tokens));
        assertThat(store.stats().bytesOnDisk()).isLessThanOrEqualTo(3 * fileBytes);
        // the chain's first blocks are kept: a lookup walks from the start
        assertThat(reuse(store, tokens, tokens.length, TestKv.of(SHAPE, tokens))).isGreaterThanOrEqualTo(3 * BLOCK);
    }
}
