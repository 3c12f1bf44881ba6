package dev.hearth.api.spi;

import dev.hearth.api.EmbeddingRequest;
import dev.hearth.api.EmbeddingResponse;

/**
 * A runtime that also turns texts into vectors. {@link dev.hearth.api.InferenceClient#embed} sends embedding requests
 * to the configured runtimes that implement this interface. A runtime that only embeds (a sentence-embedding model)
 * returns {@code false} from {@link #supportsChat()}, so chat requests are never routed to it.
 */
public interface EmbeddingRuntime extends InferenceRuntime {

    /**
     * Embeds every input of the request, returning one vector per input in input order. When {@code cancellation}
     * fires the runtime stops as soon as it can and throws {@link dev.hearth.api.RuntimeFailureException}: a partial
     * set of vectors is of no use.
     *
     * @throws dev.hearth.api.HearthException (a subclass) for any failure
     */
    EmbeddingResponse embed(EmbeddingRequest request, CancellationSignal cancellation);
}
