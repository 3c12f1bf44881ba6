package dev.hearth.api.spi;

/**
 * Tells a runtime that its caller no longer wants the answer. Runtimes poll {@link #isCancelled()} between tokens;
 * runtimes blocked on I/O register {@link #onCancel(Runnable)} to close their connection.
 */
public interface CancellationSignal {

    boolean isCancelled();

    /** Runs the action once when cancelled (at once, on the calling thread, if already cancelled). */
    void onCancel(Runnable action);
}
