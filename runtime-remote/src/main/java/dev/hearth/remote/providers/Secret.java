package dev.hearth.remote.providers;

import java.util.Objects;

/** An API key. Its text leaves this class only into a request header; {@link #toString()} never shows it. */
final class Secret {
    private final String value;

    Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    String reveal() {
        return value;
    }

    /** Replaces the key wherever it appears in {@code text} (a provider may echo it in an error message). */
    String redact(String text) {
        return text == null || value.isEmpty() ? text : text.replace(value, "[redacted]");
    }

    @Override
    public String toString() {
        return "[redacted]";
    }
}
