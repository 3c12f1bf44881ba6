package dev.hearth.api;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * One runtime's breaker: closed while it works; open (skipped) after {@code threshold} consecutive failures; half-open
 * once {@code openFor} has passed, letting a single trial request through whose outcome closes or reopens it.
 */
final class CircuitBreaker {

    enum State { CLOSED, OPEN, HALF_OPEN }

    private final int threshold;
    private final Duration openFor;
    private final Clock clock;
    private State state = State.CLOSED;
    private int consecutiveFailures;
    private Instant openedAt;
    private boolean trialRunning;

    CircuitBreaker(int threshold, Duration openFor, Clock clock) {
        this.threshold = threshold;
        this.openFor = openFor;
        this.clock = clock;
    }

    /** Whether a request may be sent now; in half-open state only the first caller gets the trial. */
    synchronized boolean tryAcquire() {
        if (state == State.OPEN && !clock.instant().isBefore(openedAt.plus(openFor))) {
            state = State.HALF_OPEN;
            trialRunning = false;
        }
        return switch (state) {
            case CLOSED -> true;
            case OPEN -> false;
            case HALF_OPEN -> {
                if (trialRunning) {
                    yield false;
                }
                trialRunning = true;
                yield true;
            }
        };
    }

    synchronized void success() {
        state = State.CLOSED;
        consecutiveFailures = 0;
        trialRunning = false;
    }

    /** A failure of the runtime (not of the request); returns true when this failure opened the breaker. */
    synchronized boolean failure() {
        consecutiveFailures++;
        boolean wasOpen = state == State.OPEN;
        if (state == State.HALF_OPEN || consecutiveFailures >= threshold) {
            state = State.OPEN;
            openedAt = clock.instant();
            trialRunning = false;
        }
        return !wasOpen && state == State.OPEN;
    }

    /** A request that ended without saying anything about the runtime's health (cancelled, or its own fault). */
    synchronized void neutral() {
        trialRunning = false;
    }

    synchronized State state() {
        if (state == State.OPEN && !clock.instant().isBefore(openedAt.plus(openFor))) {
            return State.HALF_OPEN;
        }
        return state;
    }

    /** When an open breaker lets a trial through. */
    synchronized Instant retryAt() {
        return openedAt == null ? clock.instant() : openedAt.plus(openFor);
    }
}
