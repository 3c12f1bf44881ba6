package dev.hearth.api;

import java.util.Locale;

/**
 * Why a runtime did not serve a request; the routing rules name the ones after which the next runtime is tried
 * ({@link Routing#fallbackOn(Fallback...)}). {@link #POLICY} is never a fallback choice: it records a privacy rule.
 */
public enum Fallback {
    /** Not reachable, refusing connections, rate limited (429), overloaded (503/529), or its circuit breaker is open. */
    UNAVAILABLE,
    /** The prompt does not fit in the runtime's context window. */
    CONTEXT_TOO_LONG,
    /** The runtime does not serve the requested model, or it reported the model missing. */
    MODEL_MISSING,
    /** The time-to-first-token or total-latency budget was exceeded, or the runtime timed out, before the answer began. */
    TOO_SLOW,
    /** Any other failure before the answer began (a 500, an engine fault). */
    ERROR,
    /** A privacy rule forbids sending the request there. Recorded in routes; never a fallback trigger. */
    POLICY;

    /** The name used in configuration files and logs, e.g. {@code context-too-long}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parses {@link #key()} or the constant's name, case-insensitively. */
    public static Fallback parse(String text) {
        String normalized = text.strip().toUpperCase(Locale.ROOT).replace('-', '_');
        for (Fallback fallback : values()) {
            if (fallback.name().equals(normalized) && fallback != POLICY) {
                return fallback;
            }
        }
        throw new ConfigurationException("Unknown fallback trigger '" + text.strip()
                + "'; known: unavailable, context-too-long, model-missing, too-slow, error");
    }
}
