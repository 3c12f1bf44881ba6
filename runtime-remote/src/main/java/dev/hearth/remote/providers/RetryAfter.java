package dev.hearth.remote.providers;

import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The wait a provider asks for before a retry: OpenAI's {@code retry-after-ms}, else the standard
 * {@code Retry-After} in seconds or as an HTTP date.
 */
final class RetryAfter {
    private RetryAfter() {
    }

    static Optional<Duration> from(HttpHeaders headers, Clock clock) {
        Optional<String> millis = headers.firstValue("retry-after-ms");
        if (millis.isPresent()) {
            try {
                double value = Double.parseDouble(millis.get().strip());
                if (value >= 0 && Double.isFinite(value)) {
                    return Optional.of(Duration.ofNanos((long) (value * 1_000_000)));
                }
            } catch (NumberFormatException ignored) {
                // fall through to Retry-After
            }
        }
        return headers.firstValue("retry-after").flatMap(value -> parse(value.strip(), clock));
    }

    static Optional<Duration> parse(String value, Clock clock) {
        try {
            double seconds = Double.parseDouble(value);
            return seconds >= 0 && Double.isFinite(seconds) ? Optional.of(Duration.ofMillis((long) (seconds * 1000)))
                    : Optional.empty();
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration wait = Duration.between(clock.instant(), at.toInstant());
                return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
            } catch (DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
    }
}
