package dev.hearth.remote.server;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the generations the server runs at once: up to {@code maxConcurrent} run, up to {@code queueCapacity} more
 * wait in arrival order, and any request beyond that is refused at once with a 429 rather than left to pile up.
 */
final class Admission {
    private final int maxConcurrent;
    private final int queueCapacity;
    private final Semaphore running;
    private final AtomicInteger admitted = new AtomicInteger();
    private final AtomicInteger waiting = new AtomicInteger();

    Admission(int maxConcurrent, int queueCapacity) {
        this.maxConcurrent = maxConcurrent;
        this.queueCapacity = queueCapacity;
        this.running = new Semaphore(maxConcurrent, true);
    }

    /** Generating requests waiting for a slot now. */
    int waiting() {
        return waiting.get();
    }

    /** Generating requests holding a slot now. */
    int running() {
        return maxConcurrent - running.availablePermits();
    }

    /** A running generation's slot; closing it lets the next waiting request in. */
    interface Permit extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Takes a slot, waiting in the queue if every slot is busy.
     *
     * @throws ApiError a 429 when the queue is full, or a 503 when the wait was interrupted (the server is closing)
     */
    Permit enter(Exchange exchange) {
        if (admitted.incrementAndGet() > maxConcurrent + queueCapacity) {
            admitted.decrementAndGet();
            throw ApiError.of(ApiError.Kind.RATE_LIMITED, "This Hearth node is busy: " + maxConcurrent
                    + " generations are running and " + queueCapacity + " are queued. Retry later.", "rate_limit_exceeded");
        }
        waiting.incrementAndGet();
        try {
            // poll so that a request whose client left while it queued gives its place up
            while (!running.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                if (exchange.isClientGone()) {
                    admitted.decrementAndGet();
                    throw ApiError.of(ApiError.Kind.UNAVAILABLE, "The client left while its request was queued.", null);
                }
            }
        } catch (InterruptedException e) {
            admitted.decrementAndGet();
            Thread.currentThread().interrupt();
            throw ApiError.of(ApiError.Kind.UNAVAILABLE, "The server is shutting down.", null);
        } finally {
            waiting.decrementAndGet();
        }
        return () -> {
            running.release();
            admitted.decrementAndGet();
        };
    }
}
