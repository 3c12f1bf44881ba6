package dev.hearth.api;

/**
 * A remote provider (OpenAI, Anthropic, Ollama, an OpenAI-compatible server) refused or failed a request. Carries the
 * provider's own status, error type and message so callers can react to them; never the API key.
 */
public class ProviderException extends HearthException {
    private static final long serialVersionUID = 1L;

    private final String provider;
    private final int statusCode;
    private final String errorType;
    private final String providerMessage;

    /**
     * @param provider        which provider answered, e.g. {@code "anthropic"}
     * @param statusCode      the HTTP status, or 0 when the provider reported the error inside a stream that had begun
     * @param errorType       the provider's error type or code (e.g. {@code "invalid_request_error"}), or empty
     * @param providerMessage the provider's message, as sent
     */
    public ProviderException(String provider, int statusCode, String errorType, String providerMessage) {
        super(describe(provider, statusCode, errorType, providerMessage));
        this.provider = provider;
        this.statusCode = statusCode;
        this.errorType = errorType == null ? "" : errorType;
        this.providerMessage = providerMessage == null ? "" : providerMessage;
    }

    private static String describe(String provider, int statusCode, String errorType, String providerMessage) {
        String status = statusCode == 0 ? "an error inside the stream" : "HTTP " + statusCode;
        String type = errorType == null || errorType.isEmpty() ? "" : " (" + errorType + ")";
        String hint = switch (statusCode) {
            case 401, 403 -> " Check the API key and its permissions.";
            case 404 -> " Check the model name and the base URL.";
            default -> "";
        };
        return provider + " answered with " + status + type + ": " + providerMessage + hint;
    }

    public String provider() {
        return provider;
    }

    public int statusCode() {
        return statusCode;
    }

    public String errorType() {
        return errorType;
    }

    public String providerMessage() {
        return providerMessage;
    }
}
