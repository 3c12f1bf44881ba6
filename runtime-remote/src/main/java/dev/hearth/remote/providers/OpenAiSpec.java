package dev.hearth.remote.providers;

/**
 * An OpenAI runtime: Chat Completions ({@link OpenAi#chatCompletions()}) or Responses ({@link OpenAi#responses()}).
 * Its data goes to a third party. Prompt caching is on: a {@code prompt_cache_key} derived from the stable prefix
 * (model, system messages, tools) keeps requests that share it on the same cache.
 */
public final class OpenAiSpec extends RemoteSpec<OpenAiSpec> {
    OpenAiSpec(Kind kind) {
        super(kind, true);
    }
}
