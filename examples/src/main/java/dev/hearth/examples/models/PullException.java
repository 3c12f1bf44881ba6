package dev.hearth.examples.models;

import dev.hearth.api.HearthException;

/**
 * Why {@code hearth pull} could not put a model on this machine. Each kind says what to do next; callers that only
 * report errors catch this one type.
 */
public abstract sealed class PullException extends HearthException
        permits OfflineException, HubAccessException, ChecksumMismatchException, NoMatchingFileException,
        TransferFailedException {
    private static final long serialVersionUID = 1L;

    PullException(String message) {
        super(message);
    }

    PullException(String message, Throwable cause) {
        super(message, cause);
    }
}
