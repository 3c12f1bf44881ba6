package dev.hearth.kvcache;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.hearth.kvcache.PrefixStoreTest.BLOCK;
import static dev.hearth.kvcache.PrefixStoreTest.BLOCK_BYTES;
import static dev.hearth.kvcache.PrefixStoreTest.MODEL;
import static dev.hearth.kvcache.PrefixStoreTest.SHAPE;
import static org.assertj.core.api.Assertions.assertThat;

class ConcurrentSessionsTest {
    @TempDir
    Path directory;

    /**
     * Sessions on several threads share a system prompt and add their own turns, under a memory budget that forces
     * constant eviction to disk: every copy a session receives is exactly the keys and values of its own prefix.
     */
    @Test
    void sessionsSharingAPrefixUnderEvictionPressureAlwaysReadTheirOwnExactPrefix() throws Exception {
        int sessions = 4;
        int turns = 25;
        try (PrefixStore store = PrefixCache.inMemory(6 * BLOCK_BYTES).spillTo(directory).blockSize(BLOCK).open(MODEL, SHAPE);
             ExecutorService threads = Executors.newFixedThreadPool(sessions)) {
            int[] system = TestKv.tokens(0, 3 * BLOCK);
            CyclicBarrier start = new CyclicBarrier(sessions);
            List<Future<Integer>> reused = new ArrayList<>();
            for (int s = 0; s < sessions; s++) {
                int session = s;
                reused.add(threads.submit(() -> {
                    start.await();
                    int total = 0;
                    int[] history = system;
                    for (int turn = 0; turn < turns; turn++) {
                        int[] prompt = Arrays.copyOf(history, history.length + BLOCK + 3);
                        for (int i = history.length; i < prompt.length; i++) {
                            prompt[i] = 10_000 * (session + 1) + turn * 100 + i;
                        }
                        TestKv expected = TestKv.of(SHAPE, prompt);
                        try (PrefixLease lease = store.lookup(prompt, prompt.length - 1)) {
                            TestKv copy = new TestKv(SHAPE, prompt.length);
                            lease.copyInto(copy);
                            assertThat(copy.samePositions(expected, lease.tokens(), SHAPE.kvDimension())).isTrue();
                            total += lease.tokens();
                            store.store(prompt, prompt.length, expected);
                        }
                        history = prompt.length > 12 * BLOCK ? system : prompt;
                    }
                    return total;
                }));
            }
            int total = 0;
            for (Future<Integer> future : reused) {
                total += future.get();
            }
            assertThat(total).isPositive();
            assertThat(store.stats().evictions()).isPositive();
            assertThat(store.stats().bytesInMemory()).isLessThanOrEqualTo(6 * BLOCK_BYTES);
        }
    }
}
