package dev.hearth.api;

/**
 * A runtime could not serve at all — it could not be opened when the client was built (a missing or unreadable model
 * file) — so routing treats it as {@link Fallback#UNAVAILABLE}. {@link #getCause()} is the original failure.
 */
public class RuntimeUnavailableException extends RuntimeFailureException {
    private static final long serialVersionUID = 1L;

    public RuntimeUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
