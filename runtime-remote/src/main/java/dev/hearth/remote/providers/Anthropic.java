package dev.hearth.remote.providers;

/**
 * Anthropic as a runtime.
 *
 * <pre>{@code
 * InferenceClient client = InferenceClient.builder()
 *         .runtime(Anthropic.messages().apiKeyFromEnv().model("claude-sonnet-4-5"))   // ANTHROPIC_API_KEY
 *         .build();
 * }</pre>
 */
public final class Anthropic {
    private Anthropic() {
    }

    /** The Messages API ({@code /v1/messages}); provider name {@code "anthropic"}. */
    public static AnthropicSpec messages() {
        return new AnthropicSpec();
    }
}
