package dev.hearth.local.internal.threads;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link WorkerPool#forShares} and {@link WorkerPool#forRange}: every item runs exactly once, a forShares share is
 * the documented contiguous slice and is run by its own thread (so per-share scratch buffers are never shared),
 * forRange's chunks are aligned and go to whichever thread is free, inline runs everything on the caller, and a
 * failing share fails the call after every share has finished.
 */
class WorkerPoolTest {
    @Test
    void sharesCoverEveryItemOnceWithTheirOwnSlice() {
        try (WorkerPool pool = new WorkerPool(3, "share-test")) {
            for (int items : new int[] {2, 3, 7, 32, 1000}) {
                AtomicIntegerArray runs = new AtomicIntegerArray(items);
                AtomicIntegerArray shareOf = new AtomicIntegerArray(items);
                String[] threadOfShare = new String[3];
                pool.forShares(items, false, (share, start, end) -> {
                    assertThat(start).isEqualTo(items * share / 3);
                    assertThat(end).isEqualTo(items * (share + 1) / 3);
                    synchronized (threadOfShare) {
                        assertThat(threadOfShare[share]).isNull();
                        threadOfShare[share] = Thread.currentThread().getName();
                    }
                    for (int item = start; item < end; item++) {
                        runs.incrementAndGet(item);
                        shareOf.set(item, share);
                    }
                });
                for (int item = 0; item < items; item++) {
                    assertThat(runs.get(item)).as("item %d of %d", item, items).isEqualTo(1);
                }
                if (items >= 3) {
                    assertThat(threadOfShare).doesNotHaveDuplicates();
                    assertThat(threadOfShare[0]).isEqualTo(Thread.currentThread().getName());
                }
            }
        }
    }

    @Test
    void inlineRunsEverythingOnTheCallerAsShareZero() {
        try (WorkerPool pool = new WorkerPool(2, "inline-test")) {
            int[] calls = new int[1];
            pool.forShares(10, true, (share, start, end) -> {
                assertThat(share).isZero();
                assertThat(start).isZero();
                assertThat(end).isEqualTo(10);
                assertThat(Thread.currentThread().getName()).isNotEqualTo("inline-test-1");
                calls[0]++;
            });
            pool.forShares(0, false, (share, start, end) -> calls[0] += 100);
            assertThat(calls[0]).isEqualTo(1);
        }
    }

    @Test
    void rangesAreCutIntoAlignedChunksThatAThreadRunningBehindLeavesToTheOthers() throws InterruptedException {
        try (WorkerPool pool = new WorkerPool(2, "range-test")) {
            String caller = Thread.currentThread().getName();
            java.util.Map<String, Integer> rowsByThread = new java.util.concurrent.ConcurrentHashMap<>();
            java.util.Set<Integer> starts = java.util.concurrent.ConcurrentHashMap.newKeySet();
            java.util.concurrent.atomic.AtomicInteger rowsByOthers = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicBoolean callerStalled = new java.util.concurrent.atomic.AtomicBoolean();
            AtomicIntegerArray runs = new AtomicIntegerArray(1000);
            pool.forRange(1000, false, (start, end) -> {
                String thread = Thread.currentThread().getName();
                if (thread.equals(caller) && callerStalled.compareAndSet(false, true)) {
                    // the caller falls behind on its first chunk until the worker has run every other chunk: with
                    // fixed halves the worker would stop at its half and this would wait out the deadline
                    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
                    while (rowsByOthers.get() < 1000 - (end - start)) {
                        assertThat(System.nanoTime()).as("the worker took the caller's share").isLessThan(deadline);
                        Thread.onSpinWait();
                    }
                }
                starts.add(start);
                rowsByThread.merge(thread, end - start, Integer::sum);
                if (!thread.equals(caller)) {
                    rowsByOthers.addAndGet(end - start);
                }
                for (int row = start; row < end; row++) {
                    runs.incrementAndGet(row);
                }
            });
            for (int row = 0; row < 1000; row++) {
                assertThat(runs.get(row)).as("row %d", row).isEqualTo(1);
            }
            assertThat(starts).hasSizeGreaterThan(2).allSatisfy(start -> assertThat(start % 64).isZero());
            assertThat(rowsByThread).containsKey("range-test-1");
            assertThat(rowsByThread.get("range-test-1")).as("the worker took the chunks the caller could not")
                    .isGreaterThan(rowsByThread.getOrDefault(caller, 0));

            java.util.Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
            pool.forRange(64, true, (start, end) -> {
                assertThat(start).isZero();
                assertThat(end).isEqualTo(64);
                threads.add(Thread.currentThread().getName());
            });
            assertThat(threads).containsExactly(caller);
        }
    }

    @Test
    void aFailingWorkerShareFailsTheCallAndThePoolStaysUsable() {
        try (WorkerPool pool = new WorkerPool(2, "failing-test")) {
            assertThatThrownBy(() -> pool.forShares(8, false, (share, start, end) -> {
                if (share == 1) {
                    throw new IllegalArgumentException("boom in share 1");
                }
            })).isInstanceOf(IllegalStateException.class).hasMessageContaining("boom in share 1");
            int[] items = new int[1];
            pool.forRange(100, (start, end) -> {
                synchronized (items) {
                    items[0] += end - start;
                }
            });
            assertThat(items[0]).isEqualTo(100);
        }
    }
}
