package dev.hearth.langchain4j;

import dev.hearth.api.GenerationOptions;
import dev.hearth.api.InferenceClient;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.DefaultChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ToolChoice;

import java.util.List;
import java.util.Objects;

/**
 * What both chat models are built from, collected by their builders. Each setter checks its value at once and names
 * it when it is out of range; {@link #build} checks the whole set by mapping it the way every request will be mapped.
 */
final class ModelSettings {
    InferenceClient client;
    ChatRequestParameters parameters = DefaultChatRequestParameters.EMPTY;
    DefaultChatRequestParameters.Builder<?> overrides = DefaultChatRequestParameters.builder();
    GenerationOptions baseOptions = GenerationOptions.defaults();
    boolean strictTools;
    boolean strictJsonSchema;
    List<ChatModelListener> listeners = List.of();

    void client(InferenceClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    void defaultRequestParameters(ChatRequestParameters parameters) {
        this.parameters = Objects.requireNonNull(parameters, "defaultRequestParameters");
    }

    void modelName(String modelName) {
        if (modelName != null && modelName.isBlank()) {
            throw new IllegalArgumentException("modelName must not be blank (null serves the client's default)");
        }
        overrides.modelName(modelName);
    }

    void temperature(Double temperature) {
        check(temperature, value -> GenerationOptions.builder().temperature(value));
        overrides.temperature(temperature);
    }

    void topP(Double topP) {
        check(topP, value -> GenerationOptions.builder().topP(value));
        overrides.topP(topP);
    }

    void topK(Integer topK) {
        check(topK, value -> GenerationOptions.builder().topK(value));
        overrides.topK(topK);
    }

    void maxOutputTokens(Integer maxOutputTokens) {
        check(maxOutputTokens, value -> GenerationOptions.builder().maxTokens(value));
        overrides.maxOutputTokens(maxOutputTokens);
    }

    void stopSequences(List<String> stopSequences) {
        check(stopSequences, value -> GenerationOptions.builder().stopSequences(value));
        overrides.stopSequences(stopSequences);
    }

    void frequencyPenalty(Double penalty) {
        check(penalty, value -> GenerationOptions.builder().frequencyPenalty(value));
        overrides.frequencyPenalty(penalty);
    }

    void presencePenalty(Double penalty) {
        check(penalty, value -> GenerationOptions.builder().presencePenalty(value));
        overrides.presencePenalty(penalty);
    }

    void toolChoice(ToolChoice toolChoice) {
        overrides.toolChoice(toolChoice);
    }

    void responseFormat(ResponseFormat responseFormat) {
        overrides.responseFormat(responseFormat);
    }

    void generationOptions(GenerationOptions options) {
        this.baseOptions = Objects.requireNonNull(options, "generationOptions");
    }

    void listeners(List<ChatModelListener> listeners) {
        this.listeners = List.copyOf(Objects.requireNonNull(listeners, "listeners"));
    }

    /** The validated settings: the client, the default parameters and how requests are mapped. */
    Built build(String model) {
        if (client == null) {
            throw new IllegalStateException(model + " needs a client: builder().client(InferenceClient)");
        }
        ChatRequestParameters merged = DefaultChatRequestParameters.builder()
                .overrideWith(parameters).overrideWith(overrides.build()).build();
        RequestMapper mapper = new RequestMapper(baseOptions, strictTools, strictJsonSchema);
        try {
            mapper.options(parameters); // a provider's own parameter type is refused by name, not flattened
            mapper.options(merged);
            if (merged.toolSpecifications() != null) {
                merged.toolSpecifications().forEach(mapper::tool);
            }
        } catch (RuntimeException invalid) {
            throw new IllegalArgumentException(model + ": invalid default request parameters: " + invalid.getMessage(),
                    invalid);
        }
        return new Built(client, merged, mapper, listeners);
    }

    record Built(InferenceClient client, ChatRequestParameters parameters, RequestMapper mapper,
                 List<ChatModelListener> listeners) {
    }

    private static <T> void check(T value, java.util.function.Function<T, GenerationOptions.Builder> setting) {
        if (value == null) {
            return;
        }
        try {
            setting.apply(value).build();
        } catch (dev.hearth.api.InvalidRequestException invalid) {
            throw new IllegalArgumentException(invalid.getMessage(), invalid);
        }
    }
}
