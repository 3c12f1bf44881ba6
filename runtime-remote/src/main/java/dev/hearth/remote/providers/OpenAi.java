package dev.hearth.remote.providers;

/**
 * OpenAI as a runtime.
 *
 * <pre>{@code
 * InferenceClient client = InferenceClient.builder()
 *         .runtime(OpenAi.chatCompletions().apiKeyFromEnv().model("gpt-4.1-mini"))
 *         .build();
 * }</pre>
 */
public final class OpenAi {
    private OpenAi() {
    }

    /** The Chat Completions API ({@code /v1/chat/completions}); provider name {@code "openai"}. */
    public static OpenAiSpec chatCompletions() {
        return new OpenAiSpec(Kind.OPENAI_CHAT);
    }

    /** The Responses API ({@code /v1/responses}), stateless; provider name {@code "openai-responses"}. */
    public static OpenAiSpec responses() {
        return new OpenAiSpec(Kind.OPENAI_RESPONSES);
    }
}
