package dev.hearth.api;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Texts to turn into vectors, in order, and optionally the model to use (runtimes that serve one model ignore it).
 * Each text gives one {@link Embedding} at the same index of the {@link EmbeddingResponse}.
 */
public record EmbeddingRequest(List<String> inputs, Optional<String> model) {

    public EmbeddingRequest {
        Objects.requireNonNull(inputs, "inputs");
        Objects.requireNonNull(model, "model");
        if (inputs.isEmpty()) {
            throw new InvalidRequestException("An embedding request needs at least one input text.");
        }
        for (int i = 0; i < inputs.size(); i++) {
            if (inputs.get(i) == null) {
                throw new InvalidRequestException("Embedding input " + i + " is null; pass an empty string for empty text.");
            }
        }
        inputs = List.copyOf(inputs);
    }

    public static EmbeddingRequest of(List<String> inputs) {
        return new EmbeddingRequest(inputs, Optional.empty());
    }

    public static EmbeddingRequest of(String... inputs) {
        return of(List.of(inputs));
    }

    /** The same texts, to be embedded by the runtime that serves {@code newModel}. */
    public EmbeddingRequest withModel(String newModel) {
        return new EmbeddingRequest(inputs, Optional.of(newModel));
    }

    /** Shows how many texts there are, never the texts: inputs stay out of logs. */
    @Override
    public String toString() {
        return "EmbeddingRequest[" + inputs.size() + " inputs" + model.map(name -> ", model " + name).orElse("") + "]";
    }
}
