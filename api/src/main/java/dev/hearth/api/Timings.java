package dev.hearth.api;

import java.time.Duration;
import java.util.Objects;

/**
 * Where an answer's time went. Prefill computes the prompt tokens that were not cached ({@code prefillTokens});
 * decode computes one token per step ({@code decodeTokens} steps). Rates are 0 when nothing was measured.
 *
 * @param timeToFirstToken from the call until the first token of the answer was known
 * @param prefill          time spent computing the prompt
 * @param decode           time spent on decode steps after the first token
 * @param total            the whole call
 */
public record Timings(Duration timeToFirstToken, Duration prefill, int prefillTokens, Duration decode, int decodeTokens,
                      Duration total) {
    public static final Timings NONE = new Timings(Duration.ZERO, Duration.ZERO, 0, Duration.ZERO, 0, Duration.ZERO);

    public Timings {
        Objects.requireNonNull(timeToFirstToken, "timeToFirstToken");
        Objects.requireNonNull(prefill, "prefill");
        Objects.requireNonNull(decode, "decode");
        Objects.requireNonNull(total, "total");
    }

    public double prefillTokensPerSecond() {
        return rate(prefillTokens, prefill);
    }

    public double decodeTokensPerSecond() {
        return rate(decodeTokens, decode);
    }

    private static double rate(int tokens, Duration time) {
        long nanos = time.toNanos();
        return tokens == 0 || nanos == 0 ? 0 : tokens * 1e9 / nanos;
    }
}
