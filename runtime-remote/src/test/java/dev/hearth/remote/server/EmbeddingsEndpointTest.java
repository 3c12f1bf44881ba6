package dev.hearth.remote.server;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.BadRequestException;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import dev.hearth.api.EmbeddingResponse;
import dev.hearth.api.InferenceClient;
import dev.hearth.local.Gguf;
import dev.hearth.local.onnx.Onnx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code /v1/embeddings} serves the MiniLM embedding runtime next to a chat model, driven by the OpenAI SDK. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmbeddingsEndpointTest {
    private static final String EMBEDDER = "all-minilm-l6-v2";
    private static final List<String> TEXTS = List.of("The cat sat on the mat.", "A kitten rests on a rug.",
            "Quarterly revenue grew by four percent.");

    private InferenceClient client;
    private NodeServer server;
    private OpenAIClient openai;

    @BeforeAll
    void start() {
        client = InferenceClient.builder()
                .runtime(Gguf.model(StoriesNode.model()).threads(1).contextLength(256))
                .runtime(Onnx.allMiniLmL6V2().threads(1))
                .build();
        server = NodeServer.builder().client(client).bind("127.0.0.1", 0).build().start();
        openai = OpenAIOkHttpClient.builder().baseUrl(server.baseUri().resolve("/v1").toString()).apiKey("unused").build();
    }

    @AfterAll
    void stop() {
        openai.close();
        server.close();
        client.close();
    }

    @Test
    void vectorsEqualTheClientsOwnAndKeepTheirOrder() {
        CreateEmbeddingResponse response = openai.embeddings().create(EmbeddingCreateParams.builder()
                .model(EMBEDDER).inputOfArrayOfStrings(TEXTS).build());
        EmbeddingResponse direct = client.embed(TEXTS);
        assertThat(response.data()).hasSize(3);
        for (int i = 0; i < TEXTS.size(); i++) {
            assertThat(response.data().get(i).index()).isEqualTo(i);
            List<Float> served = response.data().get(i).embedding();
            float[] expected = direct.vector(i);
            assertThat(served).hasSize(expected.length);
            for (int d = 0; d < expected.length; d++) {
                assertThat(served.get(d)).isEqualTo(expected[d]);
            }
        }
        assertThat(response.usage().promptTokens()).isEqualTo(direct.usage().promptTokens()).isPositive();
        assertThat(response.model()).isEqualTo(EMBEDDER);
    }

    @Test
    void base64EncodingCarriesLittleEndianFloats() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(server.baseUri() + "/v1/embeddings"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"" + EMBEDDER + "\",\"input\":\"The cat sat on the mat.\",\"encoding_format\":\"base64\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        String encoded = new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body())
                .get("data").get(0).get("embedding").asText();
        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(encoded)).order(ByteOrder.LITTLE_ENDIAN);
        float[] decoded = new float[bytes.remaining() / Float.BYTES];
        bytes.asFloatBuffer().get(decoded);
        assertThat(decoded).containsExactly(client.embed(List.of("The cat sat on the mat.")).vector(0));
    }

    @Test
    void aChatModelSaysItDoesNotEmbed() {
        assertThatThrownBy(() -> openai.embeddings().create(EmbeddingCreateParams.builder()
                .model(StoriesNode.MODEL).input("hello").build()))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining("does not support embeddings");
    }

    @Test
    void tokenIdInputsAreRefusedNotIgnored() {
        assertThatThrownBy(() -> openai.embeddings().create(EmbeddingCreateParams.builder()
                .model(EMBEDDER).inputOfArrayOfTokens(List.of(1L, 2L, 3L)).build()))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining("token-id");
    }
}
