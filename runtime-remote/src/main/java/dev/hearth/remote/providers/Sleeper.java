package dev.hearth.remote.providers;

import dev.hearth.api.spi.CancellationSignal;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Waits between retries; injectable so tests run without real sleeps. */
@FunctionalInterface
interface Sleeper {

    /** Waits {@code delay}; returns false when the wait ended early because the request was cancelled. */
    boolean sleep(Duration delay, CancellationSignal cancellation);

    /** Waits on the real clock, waking at once when the request is cancelled or the thread interrupted. */
    Sleeper REAL = (delay, cancellation) -> {
        CountDownLatch cancelled = new CountDownLatch(1);
        cancellation.onCancel(cancelled::countDown);
        try {
            return !cancelled.await(delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    };
}
