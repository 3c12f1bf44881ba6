package dev.hearth.langchain4j;

import dev.hearth.api.EmbeddingRequest;
import dev.hearth.api.EmbeddingResponse;
import dev.hearth.api.HearthException;
import dev.hearth.api.InferenceClient;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import dev.langchain4j.model.output.TokenUsage;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A LangChain4j {@link EmbeddingModel} computed by a Hearth {@link InferenceClient}'s embedding runtime (for example
 * {@code Onnx.allMiniLmL6V2()}), for embedding stores and retrieval.
 *
 * <pre>{@code
 * InferenceClient client = InferenceClient.builder().runtime(Onnx.allMiniLmL6V2()).build();
 * EmbeddingModel embeddings = HearthEmbeddingModel.builder().client(client).build();
 * float[] vector = embeddings.embed("The cat sat on the mat.").content().vector();
 * }</pre>
 *
 * Texts are embedded in one request per call, in order. Errors arrive as LangChain4j's exceptions. The model does not
 * own the client.
 */
public final class HearthEmbeddingModel implements EmbeddingModel {
    private final InferenceClient client;
    private final Optional<String> modelName;
    private volatile int dimension;

    private HearthEmbeddingModel(Builder builder) {
        this.client = builder.client;
        this.modelName = Optional.ofNullable(builder.modelName);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
        Objects.requireNonNull(segments, "segments");
        if (segments.isEmpty()) {
            return Response.from(List.of(), new TokenUsage(0));
        }
        List<String> texts = segments.stream().map(TextSegment::text).toList();
        EmbeddingResponse response;
        try {
            response = client.embed(new EmbeddingRequest(texts, modelName));
        } catch (HearthException failure) {
            throw Errors.toLangChain4j(failure);
        }
        List<Embedding> embeddings = response.embeddings().stream().map(e -> Embedding.from(e.vector())).toList();
        if (!embeddings.isEmpty()) {
            dimension = embeddings.getFirst().dimension();
        }
        return Response.from(embeddings, new TokenUsage(response.usage().promptTokens()));
    }

    /** The vectors' length, learned from the first answer (embedding a probe text if there was none yet). */
    @Override
    public int dimension() {
        int known = dimension;
        return known != 0 ? known : embed("dimension").content().dimension();
    }

    @Override
    public String modelName() {
        return modelName.orElseGet(() -> client.embeddingRuntimes().stream().findFirst()
                .map(info -> info.defaultModel()).orElse(null));
    }

    @Override
    public ModelProvider provider() {
        return ModelProvider.OTHER;
    }

    public static final class Builder {
        private InferenceClient client;
        private String modelName;

        private Builder() {
        }

        /** The client whose embedding runtime computes the vectors (required). The model does not close it. */
        public Builder client(InferenceClient client) {
            this.client = Objects.requireNonNull(client, "client");
            return this;
        }

        /** The embedding model to ask for, routed to the runtime serving it; null uses the first embedding runtime. */
        public Builder modelName(String modelName) {
            if (modelName != null && modelName.isBlank()) {
                throw new IllegalArgumentException("modelName must not be blank (null uses the first embedding runtime)");
            }
            this.modelName = modelName;
            return this;
        }

        /**
         * @throws IllegalStateException without a client, or when the client has no embedding runtime (serving the
         *                               named model)
         */
        public HearthEmbeddingModel build() {
            if (client == null) {
                throw new IllegalStateException("HearthEmbeddingModel needs a client: builder().client(InferenceClient)");
            }
            if (client.embeddingRuntimes().isEmpty()) {
                throw new IllegalStateException("The client has no runtime that computes embeddings (runtimes: "
                        + client.runtimes().stream().map(info -> info.name()).toList()
                        + "); add one, e.g. .runtime(Onnx.allMiniLmL6V2())");
            }
            if (modelName != null && client.embeddingRuntimes().stream().noneMatch(info -> info.models().contains(modelName))) {
                throw new IllegalStateException("No embedding runtime of the client serves model '" + modelName
                        + "'; available: " + client.embeddingRuntimes().stream().flatMap(info -> info.models().stream()).toList());
            }
            return new HearthEmbeddingModel(this);
        }
    }
}
