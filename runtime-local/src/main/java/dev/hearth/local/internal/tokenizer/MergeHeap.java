package dev.hearth.local.internal.tokenizer;

/**
 * A binary min-heap of longs in a caller-owned array, for the merge queues of BPE and SentencePiece: an entry is
 * {@code priority << 32 | leftIndex}, so the smallest entry is the best pair and, among equals, the leftmost one.
 * No objects are allocated per entry.
 */
final class MergeHeap {
    private MergeHeap() {
    }

    static long entry(int priority, int left) {
        return (long) priority << 32 | left;
    }

    static int priority(long entry) {
        return (int) (entry >>> 32);
    }

    static int left(long entry) {
        return (int) entry;
    }

    /** Adds {@code value} to {@code heap[0, size)}, which must have room; returns the new size. */
    static int push(long[] heap, int size, long value) {
        int i = size;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (heap[parent] <= value) {
                break;
            }
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = value;
        return size + 1;
    }

    /** Removes {@code heap[0]} (read it first); returns the new size. */
    static int popMinimum(long[] heap, int size) {
        int last = size - 1;
        long value = heap[last];
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= last) {
                break;
            }
            if (child + 1 < last && heap[child + 1] < heap[child]) {
                child++;
            }
            if (heap[child] >= value) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = value;
        return last;
    }
}
