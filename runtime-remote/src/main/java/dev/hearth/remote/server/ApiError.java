package dev.hearth.remote.server;

import dev.hearth.api.ContextOverflowException;
import dev.hearth.api.GenerationOptions;
import dev.hearth.api.HearthException;
import dev.hearth.api.InvalidRequestException;

import java.util.Map;
import java.util.Objects;

/**
 * A request the server refuses or could not answer: an HTTP status, what kind of failure it is and a message for the
 * caller. Each {@link Dialect} renders it in its own API's error shape.
 */
final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The kinds of failure the three APIs tell apart, with their HTTP status. */
    enum Kind {
        INVALID_REQUEST(400),
        AUTHENTICATION(401),
        NOT_FOUND(404),
        METHOD_NOT_ALLOWED(405),
        REQUEST_TOO_LARGE(413),
        RATE_LIMITED(429),
        SERVER_ERROR(500),
        UNAVAILABLE(503);

        final int status;

        Kind(int status) {
            this.status = status;
        }
    }

    private final Kind kind;
    private final String param;
    private final String code;

    private ApiError(Kind kind, String message, String param, String code, Throwable cause) {
        super(message, cause, false, false);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.param = param;
        this.code = code;
    }

    static ApiError invalid(String message) {
        return new ApiError(Kind.INVALID_REQUEST, message, null, null, null);
    }

    static ApiError invalidParam(String param, String message) {
        return new ApiError(Kind.INVALID_REQUEST, message, param, null, null);
    }

    static ApiError of(Kind kind, String message, String code) {
        return new ApiError(kind, message, null, code, null);
    }

    static ApiError modelNotFound(String model, Iterable<String> available) {
        return new ApiError(Kind.NOT_FOUND, "The model '" + model + "' does not exist on this Hearth node; available: "
                + String.join(", ", available), "model", "model_not_found", null);
    }

    /**
     * Builds the options read from a request. A value the options refuse becomes a 400 that names the request's own
     * parameter ({@code max_tokens}, {@code options.top_p}) rather than the Java field ({@code maxTokens}), in the
     * message and as {@link #param()}.
     *
     * @param wireNames the dialect's parameter for each {@link GenerationOptions} field it sets
     */
    static GenerationOptions buildOptions(GenerationOptions.Builder options, Map<String, String> wireNames) {
        try {
            return options.build();
        } catch (InvalidRequestException refused) {
            String message = refused.getMessage() == null ? "" : refused.getMessage();
            for (Map.Entry<String, String> name : wireNames.entrySet()) {
                if (message.startsWith(name.getKey() + " ")) {
                    return throwInvalid("'" + name.getValue() + "'" + message.substring(name.getKey().length()),
                            name.getValue(), refused);
                }
            }
            return throwInvalid(message, null, refused);
        }
    }

    private static GenerationOptions throwInvalid(String message, String param, InvalidRequestException cause) {
        throw new ApiError(Kind.INVALID_REQUEST, message, param, null, cause);
    }

    /** The HTTP answer for a failure raised while generating. */
    static ApiError from(HearthException failure) {
        return switch (failure) {
            case ContextOverflowException overflow ->
                    new ApiError(Kind.INVALID_REQUEST, overflow.getMessage(), "messages", "context_length_exceeded", overflow);
            case InvalidRequestException invalid -> new ApiError(Kind.INVALID_REQUEST, invalid.getMessage(), null, null, invalid);
            default -> new ApiError(Kind.SERVER_ERROR, "The runtime failed: " + failure.getMessage(), null, null, failure);
        };
    }

    Kind kind() {
        return kind;
    }

    int status() {
        return kind.status;
    }

    /** The request field at fault, or null. */
    String param() {
        return param;
    }

    /** A machine-readable code such as {@code model_not_found}, or null. */
    String code() {
        return code;
    }
}
