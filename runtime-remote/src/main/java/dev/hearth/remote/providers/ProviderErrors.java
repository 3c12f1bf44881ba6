package dev.hearth.remote.providers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.api.ProviderException;
import dev.hearth.api.RateLimitedException;

import java.time.Duration;

/**
 * Reads a provider's error body into a typed exception. Understands the shapes of every supported provider:
 * OpenAI {@code {"error":{"message","type","code"}}}, Anthropic {@code {"type":"error","error":{"type","message"}}},
 * Ollama {@code {"error":"text"}}; anything else is shown as text. The API key is redacted from the message.
 */
final class ProviderErrors {
    private static final int MAX_MESSAGE = 1000;

    private ProviderErrors() {
    }

    static ProviderException from(String provider, int status, String body, Duration retryAfter, Secret key) {
        String type = "";
        String message = body == null ? "" : body.strip();
        try {
            JsonNode json = message.isEmpty() ? null : Json.MAPPER.readTree(message);
            JsonNode error = json == null ? null : json.get("error");
            if (error != null && error.isObject()) {
                message = firstText(error, "message", message);
                type = firstText(error, "type", firstText(error, "code", ""));
            } else if (error != null && error.isTextual()) {
                message = error.asText();
            } else if (json != null && json.hasNonNull("message")) {
                message = json.get("message").asText();
                type = firstText(json, "type", firstText(json, "code", ""));
            }
        } catch (JsonProcessingException notJson) {
            // an HTML page from a proxy, or plain text: keep it as the message
        }
        if (message.isEmpty()) {
            message = "(no error message in the response body)";
        }
        if (message.length() > MAX_MESSAGE) {
            message = message.substring(0, MAX_MESSAGE) + "...";
        }
        if (key != null) {
            message = key.redact(message);
        }
        return status == 429
                ? new RateLimitedException(provider, status, type, message, retryAfter)
                : new ProviderException(provider, status, type, message);
    }

    /** An error a provider reported inside a stream that had begun (status unknown: the HTTP status was 200). */
    static ProviderException inStream(String provider, String type, String message, Secret key) {
        String shown = message == null || message.isEmpty() ? "(no error message)" : message;
        return new ProviderException(provider, 0, type == null ? "" : type, key == null ? shown : key.redact(shown));
    }

    private static String firstText(JsonNode node, String field, String fallback) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? fallback : value.asText();
    }
}
