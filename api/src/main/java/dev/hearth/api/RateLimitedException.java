package dev.hearth.api;

import java.time.Duration;
import java.util.Optional;

/**
 * The provider is rate limiting (HTTP 429) and retries were exhausted or the wait it asked for was too long.
 * {@link #retryAfter()} is the wait the provider asked for, when it said.
 */
public class RateLimitedException extends ProviderException {
    private static final long serialVersionUID = 1L;

    private final Duration retryAfter;

    public RateLimitedException(String provider, int statusCode, String errorType, String providerMessage,
                                Duration retryAfter) {
        super(provider, statusCode, errorType, providerMessage);
        this.retryAfter = retryAfter;
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
