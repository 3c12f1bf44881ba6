package dev.hearth.api;

/**
 * Root of every error Hearth raises. Each subclass names what went wrong and what to do about it, so callers can
 * catch the whole family in one place or react to one specific kind.
 */
public class HearthException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public HearthException(String message) {
        super(message);
    }

    public HearthException(String message, Throwable cause) {
        super(message, cause);
    }
}
