package dev.hearth.api;

import dev.hearth.api.spi.CancellationSignal;
import dev.hearth.api.spi.EmbeddingRuntime;
import dev.hearth.api.spi.Locality;
import dev.hearth.api.spi.RuntimeInfo;
import dev.hearth.api.testing.ScriptedRuntime;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link InferenceClient#embed} goes to a runtime that computes embeddings (the first, or the one serving the
 * requested model), chat requests never go to an embedding-only runtime, and the values reject bad input.
 */
class EmbeddingRoutingTest {

    /** Embeds each text as [length, index of the runtime]; records the requests it saw. */
    private static final class LengthEmbedder implements EmbeddingRuntime {
        private final RuntimeInfo info;
        private final int id;
        private final List<EmbeddingRequest> seen = new ArrayList<>();
        private boolean closed;

        LengthEmbedder(String model, int id) {
            this.info = new RuntimeInfo("embedder-" + id, Locality.IN_PROCESS, List.of(model), 0);
            this.id = id;
        }

        @Override
        public RuntimeInfo info() {
            return info;
        }

        @Override
        public boolean supportsChat() {
            return false;
        }

        @Override
        public ChatResponse generate(ChatRequest request, Consumer<TokenEvent> tokens, CancellationSignal cancellation) {
            throw new AssertionError("a chat request reached an embedding-only runtime");
        }

        @Override
        public EmbeddingResponse embed(EmbeddingRequest request, CancellationSignal cancellation) {
            seen.add(request);
            List<Embedding> vectors = new ArrayList<>();
            for (int i = 0; i < request.inputs().size(); i++) {
                vectors.add(new Embedding(i, new float[] {request.inputs().get(i).length(), id}));
            }
            return new EmbeddingResponse(vectors, new Usage(request.inputs().size(), 0, 0), Timings.NONE,
                    new Route(info.name(), info.defaultModel(), "local"));
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void embedGoesToTheFirstEmbeddingRuntimeOrTheOneServingTheModel() {
        LengthEmbedder first = new LengthEmbedder("small", 1);
        LengthEmbedder second = new LengthEmbedder("large", 2);
        try (InferenceClient client = InferenceClient.builder()
                .runtime(ScriptedRuntime.builder().tokens("chat answer").build()).runtime(first).runtime(second).build()) {
            EmbeddingResponse byDefault = client.embed(List.of("a", "bcd"));
            EmbeddingResponse byModel = client.embed(EmbeddingRequest.of("xy").withModel("large"));

            assertThat(byDefault.vector(0)).containsExactly(1, 1);
            assertThat(byDefault.vector(1)).containsExactly(3, 1);
            assertThat(byDefault.route().runtime()).isEqualTo("embedder-1");
            assertThat(byDefault.route().reason()).isNotBlank();
            assertThat(byModel.vector(0)).containsExactly(2, 2);
            assertThat(byModel.route().reason()).contains("large");
            assertThat(client.call(ChatRequest.builder().user("hi").build()).text()).isEqualTo("chat answer");
        }
        assertThat(first.closed).isTrue();
        assertThat(second.closed).isTrue();
    }

    @Test
    void chatRequestsSkipEmbeddingOnlyRuntimes() {
        try (InferenceClient client = InferenceClient.builder()
                .runtime(new LengthEmbedder("small", 1)).runtime(ScriptedRuntime.builder().tokens("from chat").build()).build()) {
            assertThat(client.call(ChatRequest.builder().user("hi").build()).text()).isEqualTo("from chat");
            assertThatThrownBy(() -> client.call(ChatRequest.builder().user("hi").model("small").build()))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("small");
        }
    }

    @Test
    void aClientWithoutEmbeddingRuntimesOrWithOnlyThemSaysSo() {
        try (InferenceClient chatOnly = InferenceClient.builder().runtime(ScriptedRuntime.builder().tokens("x").build()).build()) {
            assertThatThrownBy(() -> chatOnly.embed(List.of("a")))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("computes embeddings");
        }
        try (InferenceClient embedOnly = InferenceClient.builder().runtime(new LengthEmbedder("small", 1)).build()) {
            assertThatThrownBy(() -> embedOnly.call(ChatRequest.builder().user("hi").build()))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("only compute embeddings");
            assertThatThrownBy(() -> embedOnly.embed(EmbeddingRequest.of("a").withModel("other")))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("other").hasMessageContaining("small");
        }
    }

    @Test
    void embeddingValuesAreImmutableAndValidated() {
        float[] raw = {1, 0};
        Embedding embedding = new Embedding(0, raw);
        raw[0] = 5;
        embedding.vector()[1] = 7;

        assertThat(embedding.vector()).containsExactly(1, 0);
        assertThat(embedding).isEqualTo(new Embedding(0, new float[] {1, 0}));
        assertThat(embedding.cosineSimilarity(new Embedding(1, new float[] {0, 3}))).isZero();
        assertThat(embedding.cosineSimilarity(new Embedding(1, new float[] {2, 0}))).isEqualTo(1.0);
        assertThatThrownBy(() -> embedding.cosineSimilarity(new Embedding(1, new float[] {1, 0, 0})))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EmbeddingRequest.of(List.of())).isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> EmbeddingRequest.of(java.util.Arrays.asList("a", null)))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("1");
        assertThat(EmbeddingRequest.of("secret text").toString()).doesNotContain("secret");
        assertThatThrownBy(() -> new EmbeddingResponse(List.of(new Embedding(1, raw)), new Usage(1, 0, 0), Timings.NONE,
                new Route("r", "m", "why"))).isInstanceOf(IllegalArgumentException.class);
    }
}
