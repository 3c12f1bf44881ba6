package dev.hearth.local.internal.threads;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed set of threads that split a range of rows between them: the caller works too, so a pool of N threads starts
 * N-1 of its own. Rows are handed out in chunks from a shared counter ({@link #forRange}) rather than as one fixed
 * share per thread, so a thread that starts late (a worker woken from a park) or is slowed (another process on its
 * core) takes fewer chunks instead of holding everyone up at the end of every product. Nothing is allocated per call,
 * which matters because decode runs several matrix-vector products per layer per token. One caller at a time (calls
 * are serialised).
 */
public final class WorkerPool implements AutoCloseable {

    /** Work over the half-open row range [start, end). */
    @FunctionalInterface
    public interface RangeTask {
        void run(int start, int end);
    }

    /**
     * Work over the half-open item range [start, end) that also learns which share it is: share 0 is the caller,
     * 1 .. threads-1 the workers, so a task can give each share its own scratch buffer without locks or allocation.
     */
    @FunctionalInterface
    public interface ShareTask {
        void run(int share, int start, int end);
    }

    /**
     * How long a thread waiting for the next call (a worker) or for the other shares (the caller) spins before it
     * parks. Decode makes several calls per layer with only microseconds of single-threaded work between them, and
     * waking a parked thread costs tens of microseconds on a virtual machine; a short spin catches the next call
     * awake, and parking after it keeps an idle pool from burning a core.
     */
    private static final long SPIN_NANOS = 50_000;

    /**
     * Below about this many multiply-adds a task is better run on the calling thread: handing it to the workers and
     * waiting for them costs more than the work (a 260K-parameter model decoded four times slower on two threads than
     * on one). Where the line falls changes no result, only who computes it.
     */
    public static final long MIN_SPLIT_WORK = 1 << 16;

    /**
     * {@link #forRange} cuts a range into about this many chunks per thread: enough that a thread running behind
     * hands its last chunks to the others, few enough that taking one (an atomic add) stays negligible next to it.
     */
    private static final int CHUNKS_PER_THREAD = 8;

    /**
     * Chunks are whole multiples of this many rows, so a task's own tiles (the feed-forward task's 64 rows, a
     * product's cache tiles) are not cut by a chunk boundary.
     */
    private static final int CHUNK_ALIGNMENT = 64;

    private final int threads;
    private final Thread[] workers;
    private final AtomicInteger pending = new AtomicInteger();
    /** The first row of {@link #forRange}'s next chunk; threads take chunks with an atomic add. */
    private final AtomicInteger nextRow = new AtomicInteger();
    private volatile int chunkRows;
    private volatile RangeTask task;
    private volatile ShareTask shareTask;
    private volatile int rows;
    /** Bumped for every call; workers run once per new value. */
    private volatile long round;
    private volatile Thread caller;
    private volatile boolean closed;
    private volatile Throwable workerFailure;

    public WorkerPool(int threads, String name) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, was " + threads);
        }
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            int share = i + 1;
            workers[i] = Thread.ofPlatform().daemon().name(name + "-" + share).unstarted(() -> workLoop(share));
            workers[i].start();
        }
    }

    public int threads() {
        return threads;
    }

    /**
     * Runs {@code task} over [0, rowCount), cut into contiguous chunks that the threads take in turn until none is
     * left, and returns when every chunk is done. Which thread runs a chunk varies from call to call; a task must give
     * the same result for a row whoever runs it (each row's work is independent).
     */
    public void forRange(int rowCount, RangeTask task) {
        forRange(rowCount, false, task);
    }

    /**
     * {@link #forRange(int, RangeTask)}, on the calling thread alone when {@code inline} (the caller's judgement that
     * the work is smaller than the cost of waking the workers, {@link #MIN_SPLIT_WORK}).
     */
    public synchronized void forRange(int rowCount, boolean inline, RangeTask task) {
        checkOpen();
        if (threads == 1 || inline || rowCount < threads * 4) {
            task.run(0, rowCount);
            return;
        }
        long perChunk = Math.ceilDiv(rowCount, (long) threads * CHUNKS_PER_THREAD);
        this.chunkRows = (int) Math.min(rowCount, Math.ceilDiv(perChunk, CHUNK_ALIGNMENT) * CHUNK_ALIGNMENT);
        nextRow.set(0);
        this.task = task;
        dispatch(rowCount);
    }

    /**
     * Runs {@code task} over [0, itemCount) split into {@link #threads()} contiguous shares (share s gets
     * [itemCount·s/threads, itemCount·(s+1)/threads), possibly empty), and returns when every share is done. Unlike
     * {@link #forRange} it splits even a few items, because each item may be large (one attention head over a long
     * context); {@code inline} runs everything as share 0 on the calling thread instead, for work too small to be
     * worth waking the workers.
     */
    public synchronized void forShares(int itemCount, boolean inline, ShareTask task) {
        checkOpen();
        if (threads == 1 || inline || itemCount < 2) {
            if (itemCount > 0) {
                task.run(0, 0, itemCount);
            }
            return;
        }
        this.shareTask = task;
        dispatch(itemCount);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("worker pool is closed");
        }
    }

    /** Hands the published task to the workers, runs share 0 here and waits for the rest. */
    private void dispatch(int itemCount) {
        this.rows = itemCount;
        this.caller = Thread.currentThread();
        this.workerFailure = null;
        pending.set(workers.length);
        round++;
        for (Thread worker : workers) {
            LockSupport.unpark(worker);
        }
        try {
            runShare(0, itemCount);
        } finally {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            while (pending.get() > 0) {
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            this.task = null;
            this.shareTask = null;
        }
        Throwable failure = workerFailure;
        if (failure != null) {
            throw new IllegalStateException("a worker thread failed: " + failure, failure);
        }
    }

    private void runShare(int share, int itemCount) {
        ShareTask sharing = shareTask;
        if (sharing == null) {
            RangeTask ranged = task;
            int chunk = chunkRows;
            for (int start = nextRow.getAndAdd(chunk); start < itemCount; start = nextRow.getAndAdd(chunk)) {
                ranged.run(start, Math.min(itemCount, start + chunk));
            }
            return;
        }
        int start = (int) ((long) itemCount * share / threads);
        int end = (int) ((long) itemCount * (share + 1) / threads);
        if (start < end) {
            sharing.run(share, start, end);
        }
    }

    private void workLoop(int share) {
        long seen = 0;
        long spinUntil = System.nanoTime() + SPIN_NANOS;
        while (!closed) {
            long current = round;
            if (current == seen) {
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
                continue;
            }
            seen = current;
            try {
                runShare(share, rows);
            } catch (Throwable failure) {
                workerFailure = failure;
            } finally {
                if (pending.decrementAndGet() == 0) {
                    LockSupport.unpark(caller);
                }
                spinUntil = System.nanoTime() + SPIN_NANOS;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread worker : workers) {
            LockSupport.unpark(worker);
        }
    }
}
