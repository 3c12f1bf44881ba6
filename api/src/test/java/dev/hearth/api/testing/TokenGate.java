package dev.hearth.api.testing;

import dev.hearth.api.spi.CancellationSignal;

/**
 * Lets a test decide when a {@link ScriptedRuntime} may produce its next token, without sleeps: the runtime takes one
 * permit per token and waits while there is none. A cancelled generation stops waiting at once.
 */
public final class TokenGate {
    private long permits;

    /** A gate that lets {@code permits} tokens through before it blocks. */
    public TokenGate(long permits) {
        this.permits = permits;
    }

    /** Lets {@code n} more tokens through. */
    public synchronized void release(long n) {
        permits += n;
        notifyAll();
    }

    /** Lets every further token through. */
    public synchronized void open() {
        permits = Long.MAX_VALUE;
        notifyAll();
    }

    synchronized void wake() {
        notifyAll();
    }

    /**
     * Waits for a permit; false when the generation was cancelled first.
     *
     * @throws InterruptedException when the waiting thread is interrupted
     */
    boolean pass(CancellationSignal cancellation) throws InterruptedException {
        synchronized (this) {
            while (permits == 0 && !cancellation.isCancelled()) {
                wait();
            }
            if (cancellation.isCancelled()) {
                return false;
            }
            if (permits != Long.MAX_VALUE) {
                permits--;
            }
            return true;
        }
    }
}
