package dev.hearth.api;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A generation running in the background, started by {@link InferenceClient#submit}. {@link #cancel()} stops it
 * between two tokens; the answer then ends with {@link FinishReason#CANCELLED} and keeps the text produced so far.
 */
public final class Generation {
    private final Cancellation cancellation;
    private final CompletableFuture<ChatResponse> response;

    Generation(Cancellation cancellation, CompletableFuture<ChatResponse> response) {
        this.cancellation = cancellation;
        this.response = response;
    }

    /** Asks the runtime to stop; returns at once. Calling it again, or after the end, does nothing. */
    public void cancel() {
        cancellation.cancel();
    }

    public boolean isCancelled() {
        return cancellation.isCancelled();
    }

    public boolean isDone() {
        return response.isDone();
    }

    /**
     * The answer when it is complete. Completes exceptionally with the {@link HearthException} that ended the
     * generation. Cancelling the returned future cancels the generation.
     */
    public CompletableFuture<ChatResponse> response() {
        return response;
    }

    /** Waits for the answer; rethrows the generation's {@link HearthException} unwrapped. */
    public ChatResponse await() throws InterruptedException {
        try {
            return response.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new RuntimeFailureException("generation failed: " + e.getCause(), e.getCause());
        } catch (CancellationException e) {
            throw new RuntimeFailureException("the generation's future was cancelled before it completed", e);
        }
    }
}
