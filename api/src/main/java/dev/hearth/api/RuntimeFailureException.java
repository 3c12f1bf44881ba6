package dev.hearth.api;

/** A runtime failed while serving a request (an engine fault, a worker that died, an I/O error mid-generation). */
public class RuntimeFailureException extends HearthException {
    private static final long serialVersionUID = 1L;

    public RuntimeFailureException(String message, Throwable cause) {
        super(message, cause);
    }
}
