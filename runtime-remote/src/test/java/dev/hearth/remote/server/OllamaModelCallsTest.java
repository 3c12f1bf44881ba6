package dev.hearth.remote.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.api.InferenceClient;
import dev.hearth.local.Gguf;
import dev.hearth.local.onnx.Onnx;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.model.ollama.OllamaEmbeddingModel;
import dev.langchain4j.model.ollama.OllamaModel;
import dev.langchain4j.model.ollama.OllamaModelCard;
import dev.langchain4j.model.ollama.OllamaModels;
import dev.langchain4j.model.ollama.RunningOllamaModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Ollama model calls as LangChain4j's Ollama client makes them ({@code tags}, {@code show}, {@code ps},
 * {@code embed}), plus {@code version} and the older {@code embeddings}, against a node serving stories260K from its
 * GGUF file and the MiniLM embedder.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OllamaModelCallsTest {
    private static final String EMBEDDER = "all-minilm-l6-v2";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private InferenceClient client;
    private NodeServer server;
    private OllamaModels models;

    @BeforeAll
    void start() {
        client = InferenceClient.builder()
                .runtime(Gguf.model(StoriesNode.model()).threads(1).contextLength(256))
                .runtime(Onnx.allMiniLmL6V2().threads(1))
                .build();
        server = NodeServer.builder().client(client).bind("127.0.0.1", 0).build().start();
        models = OllamaModels.builder().baseUrl(baseUrl()).timeout(TIMEOUT).maxRetries(0).build();
    }

    @AfterAll
    void stop() {
        server.close();
        client.close();
    }

    private String baseUrl() {
        return server.baseUri().toString();
    }

    private static String sha256OfTheModelFile() throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(StoriesNode.model())) {
            sha.update(in.readAllBytes());
        }
        return "sha256:" + HexFormat.of().formatHex(sha.digest());
    }

    @Test
    void tagsGiveTheFilesSizeDigestAndDetails() throws Exception {
        List<OllamaModel> listed = models.availableModels().content();

        OllamaModel stories = listed.stream().filter(m -> m.getName().equals(StoriesNode.MODEL)).findFirst().orElseThrow();
        assertThat(stories.getSize()).isEqualTo(Files.size(StoriesNode.model()));
        assertThat(stories.getDigest()).isEqualTo(sha256OfTheModelFile());
        assertThat(stories.getDetails().getFormat()).isEqualTo("gguf");
        assertThat(stories.getDetails().getFamily()).isEqualTo("llama");
        assertThat(stories.getDetails().getFamilies()).containsExactly("llama");
        assertThat(stories.getDetails().getParameterSize()).matches("\\d+(\\.\\d)?[KMB]");
        assertThat(stories.getDetails().getQuantizationLevel()).isNotBlank();
        // the embedder is not read from a local GGUF file here: no size or digest is invented for it
        OllamaModel embedder = listed.stream().filter(m -> m.getName().equals(EMBEDDER)).findFirst().orElseThrow();
        assertThat(embedder.getDigest()).isNull();
    }

    @Test
    void showGivesTheTemplateParametersAndTheGgufMetadata() {
        OllamaModelCard card = models.modelCard(StoriesNode.MODEL).content();

        assertThat(card.getModelInfo()).containsEntry("general.architecture", "llama");
        assertThat(card.getModelInfo()).containsKey("llama.context_length");
        assertThat(card.getParameters()).contains("temperature").contains("top_p");
        assertThat(card.getTemplate()).isNotNull();
        assertThat(card.getDetails().getFamily()).isEqualTo("llama");
        assertThat(card.getCapabilities()).contains("completion");
        assertThat(models.modelCard(EMBEDDER).content().getCapabilities()).contains("embedding");
    }

    @Test
    void psListsTheLoadedModelsWithTheirSize() throws Exception {
        List<RunningOllamaModel> running = models.runningModels().content();

        RunningOllamaModel stories = running.stream().filter(m -> m.getName().equals(StoriesNode.MODEL)).findFirst().orElseThrow();
        assertThat(stories.getSize()).isEqualTo(Files.size(StoriesNode.model()));
        assertThat(stories.getDetails().getQuantizationLevel()).isNotBlank();
    }

    @Test
    void embedAndTheOlderEmbeddingsAnswerWithTheEmbeddersVectors() {
        OllamaEmbeddingModel embedder = OllamaEmbeddingModel.builder().baseUrl(baseUrl()).modelName(EMBEDDER)
                .timeout(TIMEOUT).maxRetries(0).build();
        Embedding embedding = embedder.embed("The cat sat on the mat.").content();
        float[] expected = client.embed(dev.hearth.api.EmbeddingRequest.of("The cat sat on the mat.").withModel(EMBEDDER)).vector(0);
        assertThat(embedding.vector()).containsExactly(expected);

        JsonNode old = Http.json(Http.post(baseUrl() + "/api/embeddings",
                "{\"model\":\"" + EMBEDDER + "\",\"prompt\":\"The cat sat on the mat.\"}"));
        assertThat(old.path("embedding")).hasSize(expected.length);
        assertThat(old.path("embedding").get(0).floatValue()).isEqualTo(expected[0]);

        OllamaEmbeddingModel chatModel = OllamaEmbeddingModel.builder().baseUrl(baseUrl()).modelName(StoriesNode.MODEL)
                .timeout(TIMEOUT).maxRetries(0).build();
        assertThatThrownBy(() -> chatModel.embed("hi")).hasMessageContaining("does not support embeddings");
    }

    @Test
    void versionAnswers() {
        HttpResponse<String> version = Http.get(baseUrl() + "/api/version");
        assertThat(version.statusCode()).isEqualTo(200);
        assertThat(Http.json(version).path("version").asText()).isNotBlank();
    }
}
