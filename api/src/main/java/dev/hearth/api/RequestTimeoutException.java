package dev.hearth.api;

/**
 * A remote runtime did not answer in time: connecting, waiting for the first byte or the next one (read timeout), or
 * finishing the whole call (total timeout). The message names which limit was hit and its value.
 */
public class RequestTimeoutException extends RuntimeFailureException {
    private static final long serialVersionUID = 1L;

    public RequestTimeoutException(String message, Throwable cause) {
        super(message, cause);
    }
}
