package dev.hearth.remote.server;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The three APIs the server speaks. Each has its own error body, which its SDKs parse into typed exceptions, and its
 * own way of reporting an error after a stream has begun.
 */
enum Dialect {
    /** OpenAI: {@code {"error":{"message","type","param","code"}}}; a stream error is a {@code data:} event. */
    OPENAI {
        @Override
        ObjectNode errorBody(ApiError error) {
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            ObjectNode detail = body.putObject("error");
            detail.put("message", error.getMessage());
            detail.put("type", switch (error.kind()) {
                case AUTHENTICATION -> "authentication_error";
                case RATE_LIMITED -> "rate_limit_error";
                case SERVER_ERROR, UNAVAILABLE -> "server_error";
                default -> "invalid_request_error";
            });
            detail.put("param", error.param());
            detail.put("code", error.code() != null ? error.code() : switch (error.kind()) {
                case AUTHENTICATION -> "invalid_api_key";
                case NOT_FOUND -> "not_found";
                case METHOD_NOT_ALLOWED -> "method_not_allowed";
                case REQUEST_TOO_LARGE -> "request_too_large";
                case RATE_LIMITED -> "rate_limit_exceeded";
                default -> null;
            });
            return body;
        }

        @Override
        String streamError(ApiError error) {
            return "data: " + Json.write(errorBody(error)) + "\n\n";
        }
    },

    /** Anthropic: {@code {"type":"error","error":{"type","message"}}}; a stream error is an {@code error} event. */
    ANTHROPIC {
        @Override
        ObjectNode errorBody(ApiError error) {
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            body.put("type", "error");
            ObjectNode detail = body.putObject("error");
            detail.put("type", switch (error.kind()) {
                case AUTHENTICATION -> "authentication_error";
                case NOT_FOUND -> "not_found_error";
                case REQUEST_TOO_LARGE -> "request_too_large";
                case RATE_LIMITED -> "rate_limit_error";
                case SERVER_ERROR -> "api_error";
                case UNAVAILABLE -> "overloaded_error";
                default -> "invalid_request_error";
            });
            detail.put("message", error.getMessage());
            return body;
        }

        @Override
        String streamError(ApiError error) {
            return "event: error\ndata: " + Json.write(errorBody(error)) + "\n\n";
        }
    },

    /** Ollama: {@code {"error":"message"}}; a stream error is one more NDJSON line. */
    OLLAMA {
        @Override
        ObjectNode errorBody(ApiError error) {
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            body.put("error", error.getMessage());
            return body;
        }

        @Override
        String streamError(ApiError error) {
            return Json.write(errorBody(error)) + "\n";
        }
    };

    abstract ObjectNode errorBody(ApiError error);

    /** The error as the next piece of an already started stream. */
    abstract String streamError(ApiError error);

    /** The API a path belongs to, for answering requests that match no route. */
    static Dialect ofPath(String path) {
        if (path.startsWith("/api/")) {
            return OLLAMA;
        }
        if (path.startsWith("/v1/messages")) {
            return ANTHROPIC;
        }
        return OPENAI;
    }
}
