package dev.hearth.examples.models;

/** The connection failed or was cut; what arrived is kept in the {@code .part} file and the next pull resumes it. */
public final class TransferFailedException extends PullException {
    private static final long serialVersionUID = 1L;

    public TransferFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
