package dev.hearth.api;

import dev.hearth.api.spi.RuntimeInfo;

/**
 * Observes every request a client serves, for metrics and tracing, without subclassing the client. Callbacks run on
 * the generating thread and must be quick; an exception thrown by a listener is logged and ignored.
 */
public interface InferenceListener {

    /**
     * A runtime is about to be sent the request: called once per runtime tried, so a request that falls back to a
     * second runtime starts twice (and completes or fails once). Never called for a request a privacy rule refused.
     */
    default void requestStarted(ChatRequest request, RuntimeInfo runtime) {
    }

    default void requestCompleted(ChatRequest request, ChatResponse response) {
    }

    default void requestFailed(ChatRequest request, HearthException error) {
    }

    /**
     * The prefix-cache counters of the runtime that just served a request (after {@link #requestCompleted} or
     * {@link #requestFailed}); called only for runtimes that have a cache.
     */
    default void cacheStats(RuntimeInfo runtime, CacheStats stats) {
    }
}
