package dev.hearth.api;

import java.util.List;

/**
 * No runtime could serve the request: each one the routing policy allowed was skipped or failed. {@link #attempts()}
 * says what happened to each; the cause is the last failure, when there was one.
 */
public class NoRouteException extends HearthException {
    private static final long serialVersionUID = 1L;

    private final List<RouteAttempt> attempts;

    public NoRouteException(List<RouteAttempt> attempts, Throwable lastFailure) {
        super("No runtime could serve the request: " + attempts, lastFailure);
        this.attempts = List.copyOf(attempts);
    }

    public List<RouteAttempt> attempts() {
        return attempts;
    }
}
