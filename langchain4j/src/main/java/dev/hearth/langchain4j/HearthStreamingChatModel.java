package dev.hearth.langchain4j;

import dev.hearth.api.GenerationOptions;
import dev.hearth.api.Generation;
import dev.hearth.api.InferenceClient;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A LangChain4j {@link ChatModel} answered by a Hearth {@link InferenceClient}: the local GGUF engine, a remote
 * provider or a cluster, with Hearth's routing, privacy rules and prefix cache underneath.
 *
 * <pre>{@code
 * InferenceClient client = InferenceClient.builder().runtime(Gguf.model(Path.of("model.gguf"))).build();
 * StreamingChatModel model = HearthStreamingChatModel.builder().client(client).maxOutputTokens(256).build();
 * Assistant assistant = AiServices.builder(Assistant.class).streamingChatModel(model)
 *         .chatMemory(MessageWindowChatMemory.withMaxMessages(10)).build();
 * }</pre>
 *
 * Messages (system, user text, AI messages with tool execution requests, tool results), tools, tool choice, JSON and
 * JSON-schema response formats and LangChain4j's sampling parameters are mapped; anything without a Hearth counterpart
 * is refused by name with LangChain4j's {@code InvalidRequestException}. Responses carry a {@link HearthTokenUsage}
 * (with the prompt tokens served from cache) and {@link HearthChatResponseMetadata} (route, timings). Hearth's
 * exceptions arrive as LangChain4j's ({@code TimeoutException}, {@code RateLimitException}, ...) with the Hearth
 * exception as cause. The model does not own the client:
 * close the client when done.
 */
public final class HearthStreamingChatModel implements StreamingChatModel {
    private final ModelSettings.Built settings;

    private HearthStreamingChatModel(ModelSettings.Built settings) {
        this.settings = settings;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        Objects.requireNonNull(handler, "handler");
        Stream stream = new Stream(handler);
        Generation generation;
        try {
            generation = settings.client().submit(settings.mapper().toHearth(request), stream::token);
        } catch (RuntimeException refused) {
            stream.fail(refused);
            return;
        }
        stream.started(generation);
        generation.response().whenComplete(stream::finish);
    }

    @Override
    public ChatRequestParameters defaultRequestParameters() {
        return settings.parameters();
    }

    @Override
    public List<ChatModelListener> listeners() {
        return settings.listeners();
    }

    @Override
    public ModelProvider provider() {
        return ModelProvider.OTHER;
    }

    @Override
    public Set<Capability> supportedCapabilities() {
        return Set.of(Capability.RESPONSE_FORMAT_JSON_SCHEMA);
    }

    /** Collects the settings; each setter rejects an out-of-range value at once, naming it. */
    public static final class Builder {
        private final ModelSettings settings = new ModelSettings();

        private Builder() {
        }

        /** The client that answers (required). The model does not close it. */
        public Builder client(InferenceClient client) {
            settings.client(client);
            return this;
        }

        /** Default parameters of every request; the setters below override single values of them. */
        public Builder defaultRequestParameters(ChatRequestParameters parameters) {
            settings.defaultRequestParameters(parameters);
            return this;
        }

        /** The model a request asks for (routed to the runtime serving it); null serves the client's default. */
        public Builder modelName(String modelName) {
            settings.modelName(modelName);
            return this;
        }

        public Builder temperature(Double temperature) {
            settings.temperature(temperature);
            return this;
        }

        public Builder topP(Double topP) {
            settings.topP(topP);
            return this;
        }

        public Builder topK(Integer topK) {
            settings.topK(topK);
            return this;
        }

        public Builder maxOutputTokens(Integer maxOutputTokens) {
            settings.maxOutputTokens(maxOutputTokens);
            return this;
        }

        public Builder stopSequences(List<String> stopSequences) {
            settings.stopSequences(stopSequences);
            return this;
        }

        public Builder frequencyPenalty(Double penalty) {
            settings.frequencyPenalty(penalty);
            return this;
        }

        public Builder presencePenalty(Double penalty) {
            settings.presencePenalty(penalty);
            return this;
        }

        public Builder toolChoice(ToolChoice toolChoice) {
            settings.toolChoice(toolChoice);
            return this;
        }

        public Builder responseFormat(ResponseFormat responseFormat) {
            settings.responseFormat(responseFormat);
            return this;
        }

        /** Hearth's options LangChain4j has no parameter for (seed, min-p, repetition penalty, logit bias). */
        public Builder generationOptions(GenerationOptions options) {
            settings.generationOptions(options);
            return this;
        }

        /**
         * Sends every tool as strict (as OpenAI's {@code strictTools}): the local engine then constrains each call to
         * the tool's name and schema, so even a small model's forced calls parse. Objects that do not say otherwise
         * then allow no additional properties.
         */
        public Builder strictTools(boolean strictTools) {
            settings.strictTools = strictTools;
            return this;
        }

        /** Marks JSON-schema response formats strict, so remote providers enforce them too (the local engine always does). */
        public Builder strictJsonSchema(boolean strictJsonSchema) {
            settings.strictJsonSchema = strictJsonSchema;
            return this;
        }

        public Builder listeners(List<ChatModelListener> listeners) {
            settings.listeners(listeners);
            return this;
        }

        /** @throws IllegalStateException without a client; IllegalArgumentException naming an invalid default */
        public HearthStreamingChatModel build() {
            return new HearthStreamingChatModel(settings.build("HearthStreamingChatModel"));
        }
    }
}
