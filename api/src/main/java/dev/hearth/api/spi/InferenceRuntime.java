package dev.hearth.api.spi;

import dev.hearth.api.CacheStats;
import dev.hearth.api.ChatRequest;
import dev.hearth.api.ChatResponse;
import dev.hearth.api.TokenEvent;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;

/**
 * A place that answers chat requests: the local engine, a peer, a cloud provider. The client calls
 * {@link #generate} from one thread per request; a runtime may serve several requests at once or queue them, and
 * documents which.
 */
public interface InferenceRuntime extends AutoCloseable {

    RuntimeInfo info();

    /**
     * Whether this runtime answers chat requests; {@code false} for a runtime that only computes embeddings (see
     * {@link EmbeddingRuntime}). The client never routes a chat request to a runtime that returns {@code false}.
     */
    default boolean supportsChat() {
        return true;
    }

    /**
     * Answers a request, calling {@code tokens} for each token as it is produced (on the calling thread), and returns
     * the whole answer. When {@code cancellation} fires the runtime stops as soon as it can and returns what it has
     * with {@link dev.hearth.api.FinishReason#CANCELLED}.
     *
     * @throws dev.hearth.api.HearthException (a subclass) for any failure
     */
    ChatResponse generate(ChatRequest request, Consumer<TokenEvent> tokens, CancellationSignal cancellation);

    /**
     * How many prompt tokens {@code request} becomes on this runtime (after its chat template, with its tools), without
     * generating; empty when this runtime cannot tell before it answers (a remote API).
     *
     * @throws dev.hearth.api.HearthException (a subclass) when the request cannot be rendered
     */
    default OptionalInt countPromptTokens(ChatRequest request) {
        return OptionalInt.empty();
    }

    /** The local file this runtime serves its model from, or empty when it reads none (a remote API). */
    default Optional<ModelFile> modelFile() {
        return Optional.empty();
    }

    /** The counters of this runtime's prefix cache, or empty when it has none. */
    default Optional<CacheStats> cacheStats() {
        return Optional.empty();
    }

    /** Releases the runtime's resources (memory mappings, threads, connections). */
    @Override
    void close();
}
