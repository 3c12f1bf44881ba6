package dev.hearth.examples.agent;

import java.util.ArrayList;
import java.util.List;

/**
 * Stops an agent run from another thread: {@link #cancel()} stops the answer being generated (between two tokens)
 * and the tool calls running (by interrupting them), and no later step starts. The run then ends with
 * {@link StopReason#CANCELLED} and keeps everything done so far. A token serves one run; make a new one per run.
 */
public final class CancelToken {
    private final List<Runnable> actions = new ArrayList<>();
    private boolean cancelled;

    public void cancel() {
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

    public synchronized boolean isCancelled() {
        return cancelled;
    }

    /**
     * Runs {@code action} when cancelled (at once if already cancelled) until the returned registration is closed;
     * the loop registers what is running now (a generation, tool calls) and unregisters it when it ends.
     */
    Registration onCancel(Runnable action) {
        synchronized (this) {
            if (!cancelled) {
                actions.add(action);
                return () -> {
                    synchronized (CancelToken.this) {
                        actions.remove(action);
                    }
                };
            }
        }
        action.run();
        return () -> { };
    }

    /** Ends a {@link #onCancel} registration. */
    interface Registration extends AutoCloseable {
        @Override
        void close();
    }
}
