package dev.hearth.remote.providers;

import dev.hearth.api.spi.CancellationSignal;

import java.util.ArrayList;
import java.util.List;

/** A cancellation signal the test fires by hand. */
final class TestSignal implements CancellationSignal {
    private final List<Runnable> actions = new ArrayList<>();
    private boolean cancelled;

    @Override
    public synchronized boolean isCancelled() {
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

    void cancel() {
        List<Runnable> toRun;
        synchronized (this) {
            if (cancelled) {
                return;
            }
            cancelled = true;
            toRun = List.copyOf(actions);
        }
        toRun.forEach(Runnable::run);
    }
}
