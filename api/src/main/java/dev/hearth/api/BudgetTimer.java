package dev.hearth.api;

import java.time.Duration;

/**
 * Starts the router's latency budgets ({@link Routing#timeToFirstTokenBudget(Duration)},
 * {@link Routing#totalLatencyBudget(Duration)}). The default runs them on one daemon thread against the wall clock; a
 * test gives {@link Routing#budgetTimer(BudgetTimer)} its own and expires budgets when it chooses (as Caffeine takes a
 * {@code Ticker}), so no assertion depends on how fast a loaded machine runs.
 */
@FunctionalInterface
public interface BudgetTimer {
    /**
     * Runs {@code expiry} once when {@code budget} has passed, unless the returned handle is cancelled first (the
     * router cancels it when the attempt ends). {@code expiry} is safe to run on any thread.
     */
    Handle start(Duration budget, Runnable expiry);

    /** A started budget. */
    @FunctionalInterface
    interface Handle {
        /** Stops the budget; an expiry already running or run is unaffected. Idempotent. */
        void cancel();
    }
}
