package dev.hearth.api;

import dev.hearth.api.spi.CancellationSignal;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The cancellation signal of one attempt on one runtime: cancelled when the caller cancels, or when the router
 * abandons the attempt (a latency budget ran out) without cancelling the caller's request.
 */
final class AttemptSignal implements CancellationSignal {
    private final CancellationSignal caller;
    private final Cancellation abandoned = Cancellation.explicitOnly();

    AttemptSignal(CancellationSignal caller) {
        this.caller = caller;
    }

    /** Stops this attempt only. */
    void abandon() {
        abandoned.cancel();
    }

    boolean callerCancelled() {
        return caller.isCancelled();
    }

    @Override
    public boolean isCancelled() {
        return abandoned.isCancelled() || caller.isCancelled();
    }

    @Override
    public void onCancel(Runnable action) {
        AtomicBoolean ran = new AtomicBoolean();
        Runnable once = () -> {
            if (ran.compareAndSet(false, true)) {
                action.run();
            }
        };
        abandoned.onCancel(once);
        caller.onCancel(once);
    }
}
