package dev.hearth.api.testing;

import dev.hearth.api.BudgetTimer;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link BudgetTimer} whose budgets expire only when a test says so: a routing test then never depends on how fast
 * a loaded machine runs. Each budget the router starts is queued; {@link #awaitStart()} takes the next one.
 */
public final class ManualBudgetTimer implements BudgetTimer {
    private final BlockingQueue<Started> started = new LinkedBlockingQueue<>();

    /** A budget the router started: its length, and the expiry the test may run. */
    public static final class Started {
        private final Duration budget;
        private final Runnable expiry;
        private final AtomicBoolean cancelled = new AtomicBoolean();

        private Started(Duration budget, Runnable expiry) {
            this.budget = budget;
            this.expiry = expiry;
        }

        public Duration budget() {
            return budget;
        }

        /** Whether the router cancelled it (the attempt ended first). */
        public boolean cancelled() {
            return cancelled.get();
        }

        /** Lets the budget run out now, as the wall clock would have (nothing happens if it was cancelled). */
        public void expire() {
            if (!cancelled.get()) {
                expiry.run();
            }
        }
    }

    @Override
    public Handle start(Duration budget, Runnable expiry) {
        Started budgetStarted = new Started(budget, expiry);
        started.add(budgetStarted);
        return () -> budgetStarted.cancelled.set(true);
    }

    /** The next budget the router starts (waiting up to 10 s for it). */
    public Started awaitStart() throws InterruptedException {
        Started next = started.poll(10, TimeUnit.SECONDS);
        if (next == null) {
            throw new AssertionError("the router started no budget within 10 s");
        }
        return next;
    }

    /** Budgets started and not yet taken by {@link #awaitStart()}. */
    public int pending() {
        return started.size();
    }
}
