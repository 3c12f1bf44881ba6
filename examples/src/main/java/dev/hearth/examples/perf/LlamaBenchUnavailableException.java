package dev.hearth.examples.perf;

import dev.hearth.api.ConfigurationException;

/** {@code --compare-llama-cpp} names no runnable llama-bench: the path is missing, not executable, or will not start. */
public final class LlamaBenchUnavailableException extends ConfigurationException {
    private static final long serialVersionUID = 1L;

    public LlamaBenchUnavailableException(String message) {
        super(message);
    }

    public LlamaBenchUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
