package dev.hearth.remote.providers;

/**
 * An OpenAI runtime: Chat Completions ({@link OpenAi#chatCompletions()}) or Responses ({@link OpenAi#responses()}).
 * Its data goes to a third party. Prompt caching is on: a {@code prompt_cache_key} derived from the stable prefix
 * (model, system messages, tools) keeps requests that share it on the same cache.
 */
public final class OpenAiSpec extends RemoteSpec<OpenAiSpec> {
    private boolean samplingParameters = true;

    OpenAiSpec(Kind kind) {
        super(kind, true);
    }

    /**
     * Whether requests carry the temperature, top-p and seed of their options (the default). Reasoning models
     * (o-series, gpt-5) refuse them: turn this off to let the model use its own sampling.
     */
    public OpenAiSpec samplingParameters(boolean send) {
        this.samplingParameters = send;
        return this;
    }

    @Override
    boolean samplingParameters() {
        return samplingParameters;
    }

    @Override
    boolean applySetting(String key, String value) {
        if (key.equals("samplingParameters")) {
            samplingParameters(Settings.bool(key, value));
            return true;
        }
        return super.applySetting(key, value);
    }

    @Override
    String extraSettings() {
        return ", samplingParameters";
    }
}
