package dev.hearth.api;

import java.util.List;
import java.util.Objects;

/**
 * Which runtime served an answer, with which model, why that runtime was chosen, and the runtimes considered before
 * it ({@code attempts}: each skipped or failed, with why), in the order the routing policy considered them.
 */
public record Route(String runtime, String model, String reason, List<RouteAttempt> attempts) {
    public Route {
        Objects.requireNonNull(runtime, "runtime");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(reason, "reason");
        attempts = List.copyOf(attempts);
    }

    /** A route with nothing considered before the runtime that served. */
    public Route(String runtime, String model, String reason) {
        this(runtime, model, reason, List.of());
    }

    /** Whether another runtime was tried (and failed) before the one that served. */
    public boolean fellBack() {
        return attempts.stream().anyMatch(attempt -> attempt.outcome() == RouteAttempt.Outcome.FAILED);
    }
}
