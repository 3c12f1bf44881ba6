package dev.hearth.examples.perf;

import dev.hearth.api.HearthException;

/** llama-bench started but gave no usable result: it failed, timed out, or printed something other than its JSON. */
public final class LlamaBenchFailedException extends HearthException {
    private static final long serialVersionUID = 1L;

    public LlamaBenchFailedException(String message) {
        super(message);
    }

    public LlamaBenchFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
