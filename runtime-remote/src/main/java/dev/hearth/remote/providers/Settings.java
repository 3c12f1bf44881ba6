package dev.hearth.remote.providers;

import dev.hearth.api.ConfigurationException;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** Parses string settings: durations as {@code 500ms}, {@code 30s}, {@code 2m} or ISO-8601 ({@code PT30S}). */
final class Settings {
    private Settings() {
    }

    static Duration duration(String key, String value) {
        String text = value.strip().toLowerCase(Locale.ROOT);
        try {
            if (text.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2).strip()));
            }
            if (text.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1).strip()));
            }
            if (text.endsWith("m") && !text.startsWith("p")) {
                return Duration.ofMinutes(Long.parseLong(text.substring(0, text.length() - 1).strip()));
            }
            return Duration.parse(value.strip());
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new ConfigurationException(key + " must be a duration such as 500ms, 30s, 2m or PT30S, was \"" + value + "\"");
        }
    }

    static int integer(String key, String value) {
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new ConfigurationException(key + " must be an integer, was \"" + value + "\"");
        }
    }

    static boolean bool(String key, String value) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigurationException(key + " must be true or false, was \"" + value + "\"");
        };
    }
}
