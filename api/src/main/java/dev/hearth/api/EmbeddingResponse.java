package dev.hearth.api;

import java.util.List;
import java.util.Objects;

/**
 * The vectors of an {@link EmbeddingRequest}, one per input in input order, with what they cost and who computed
 * them. {@link Usage#promptTokens()} counts the input tokens (after truncation to the model's limit); there are no
 * completion tokens. {@link Timings#prefill()} is the time spent in the model, over {@code prefillTokens} tokens.
 */
public record EmbeddingResponse(List<Embedding> embeddings, Usage usage, Timings timings, Route route) {

    public EmbeddingResponse {
        embeddings = List.copyOf(embeddings);
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(timings, "timings");
        Objects.requireNonNull(route, "route");
        for (int i = 0; i < embeddings.size(); i++) {
            if (embeddings.get(i).index() != i) {
                throw new IllegalArgumentException("Embedding " + i + " carries index " + embeddings.get(i).index());
            }
        }
    }

    /** The vector of input {@code index} (a copy). */
    public float[] vector(int index) {
        return embeddings.get(index).vector();
    }

    public EmbeddingResponse withRoute(Route newRoute) {
        return new EmbeddingResponse(embeddings, usage, timings, newRoute);
    }
}
