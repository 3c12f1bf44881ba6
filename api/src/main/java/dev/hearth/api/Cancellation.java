package dev.hearth.api;

import dev.hearth.api.spi.CancellationSignal;

import java.util.ArrayList;
import java.util.List;

/**
 * The client's cancellation signal. A blocking call also counts as cancelled when its calling thread is
 * interrupted, so {@code Thread.interrupt()} stops a generation as users of blocking APIs expect.
 */
final class Cancellation implements CancellationSignal {
    private final Thread interruptibleCaller;
    private final List<Runnable> actions = new ArrayList<>();
    private volatile boolean cancelled;

    private Cancellation(Thread interruptibleCaller) {
        this.interruptibleCaller = interruptibleCaller;
    }

    static Cancellation explicitOnly() {
        return new Cancellation(null);
    }

    static Cancellation orInterruptOf(Thread caller) {
        return new Cancellation(caller);
    }

    void cancel() {
        List<Runnable> toRun;
        synchronized (this) {
            if (cancelled) {
                return;
            }
            cancelled = true;
            toRun = List.copyOf(actions);
            actions.clear();
        }
        toRun.forEach(Runnable::run);
    }

    @Override
    public boolean isCancelled() {
        if (!cancelled && interruptibleCaller != null && interruptibleCaller.isInterrupted()) {
            cancel();
        }
        return cancelled;
    }

    @Override
    public void onCancel(Runnable action) {
        synchronized (this) {
            if (!cancelled) {
                actions.add(action);
                return;
            }
        }
        action.run();
    }
}
