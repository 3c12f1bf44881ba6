package dev.hearth.api;

import java.util.function.Consumer;

/**
 * Stands between a runtime and the caller's token consumer, to know whether the answer has begun to reach the caller
 * (after which the request is never resent) and to stop tokens of an abandoned attempt from reaching it.
 */
final class StreamGate implements Consumer<TokenEvent> {
    private final Consumer<TokenEvent> caller;
    private boolean started;
    private String abandonedBecause;

    StreamGate(Consumer<TokenEvent> caller) {
        this.caller = caller;
    }

    @Override
    public void accept(TokenEvent event) {
        synchronized (this) {
            if (abandonedBecause != null) {
                return; // the attempt was given up: its late tokens must not mix with the next runtime's
            }
            started = true;
        }
        caller.accept(event);
    }

    /** Gives up the attempt unless its answer has begun; returns whether it was given up. */
    synchronized boolean abandonBeforeStart(String because) {
        if (started) {
            return false;
        }
        if (abandonedBecause == null) {
            abandonedBecause = because;
        }
        return true;
    }

    /** Gives up the attempt whether or not its answer has begun. */
    synchronized void abandon(String because) {
        if (abandonedBecause == null) {
            abandonedBecause = because;
        }
    }

    synchronized boolean started() {
        return started;
    }

    synchronized String abandonedBecause() {
        return abandonedBecause;
    }
}
