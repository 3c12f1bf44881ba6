package dev.hearth.local.onnx.internal;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.hearth.api.ChatRequest;
import dev.hearth.api.ChatResponse;
import dev.hearth.api.ConfigurationException;
import dev.hearth.api.ContextOverflowException;
import dev.hearth.api.FinishReason;
import dev.hearth.api.GenerationOptions;
import dev.hearth.api.InvalidRequestException;
import dev.hearth.api.ModelLoadException;
import dev.hearth.api.ModelNotFoundException;
import dev.hearth.api.Route;
import dev.hearth.api.RuntimeFailureException;
import dev.hearth.api.Timings;
import dev.hearth.api.TokenEvent;
import dev.hearth.api.Usage;
import dev.hearth.api.spi.CancellationSignal;
import dev.hearth.api.spi.InferenceRuntime;
import dev.hearth.api.spi.Locality;
import dev.hearth.api.spi.RuntimeInfo;
import dev.hearth.local.internal.engine.PlainTranscript;
import dev.hearth.local.internal.engine.DecodeLoop;
import dev.hearth.local.internal.engine.StopSequenceFilter;
import dev.hearth.local.internal.grammar.TokenVocabulary;
import dev.hearth.local.internal.sampling.TokenConstraint;
import dev.hearth.local.onnx.OnnxModelSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A decoder language model run by ONNX Runtime behind {@code Onnx.model(path)}. The prompt is run in one pass, then
 * one token per step with the KV cache kept in ONNX Runtime tensors ({@link DecoderState}); sampling, stop sequences,
 * streaming, cancellation, usage and timings behave as in the GGUF engine. An ONNX Runtime session is thread-safe, so
 * concurrent requests run concurrently, each with its own cache; {@link #close()} waits for them.
 */
public final class OnnxDecoderRuntime implements InferenceRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(OnnxDecoderRuntime.class);
    /** Prompt tokens decoded as context for the first answer token (leading spaces depend on them). */
    private static final int DECODE_CONTEXT_TOKENS = 5;
    /**
     * Prompt tokens per model run. The model returns logits for every position it is given: one pass over a long
     * prompt with a large vocabulary would allocate gigabytes (2048 tokens x 128K vocabulary x 4 bytes = 1 GiB), so
     * the prompt goes through in chunks of this many, each extending the KV cache.
     */
    static final int DEFAULT_PREFILL_CHUNK = 256;

    private final OrtSession.SessionOptions options;
    private final OrtSession session;
    private final DecoderSignature signature;
    private final Optional<HfTokenizer> tokenizer;
    /** The tokenizer.json the tokenizer was read from, for the token bytes constrained decoding needs. */
    private final Optional<Path> tokenizerJson;
    /** Built on the first constrained request: an unconstrained runtime never pays for the trie. */
    private volatile Optional<TokenVocabulary> vocabulary;
    private final Set<Integer> endTokens;
    private final int contextLength;
    private final int prefillChunk;
    private final RuntimeInfo info;
    /** Generations hold the read lock; close() takes the write lock, so the session is never closed under one. */
    private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private volatile boolean closed;

    private OnnxDecoderRuntime(OrtSession.SessionOptions options, OrtSession session, DecoderSignature signature,
                               Optional<HfTokenizer> tokenizer, Optional<Path> tokenizerJson, Set<Integer> endTokens,
                               int contextLength, int prefillChunk, String modelName) {
        this.options = options;
        this.session = session;
        this.signature = signature;
        this.tokenizer = tokenizer;
        this.tokenizerJson = tokenizerJson;
        this.endTokens = endTokens;
        this.contextLength = contextLength;
        this.prefillChunk = prefillChunk;
        this.info = new RuntimeInfo("local-onnx", Locality.IN_PROCESS, List.of(modelName), contextLength);
    }

    public static OnnxDecoderRuntime open(OnnxModelSpec spec) {
        return open(spec, DEFAULT_PREFILL_CHUNK);
    }

    /** Opens a model whose prompts run {@code prefillChunk} tokens per model run (tests use small chunks). */
    static OnnxDecoderRuntime open(OnnxModelSpec spec, int prefillChunk) {
        if (prefillChunk < 1) {
            throw new IllegalArgumentException("prefillChunk must be positive, was " + prefillChunk);
        }
        Path modelFile = modelFile(spec.path());
        Path directory = modelFile.toAbsolutePath().getParent();
        String modelName = directory.getFileName() == null ? modelFile.getFileName().toString() : directory.getFileName().toString();
        DecoderConfig config = DecoderConfig.read(directory);
        int context = spec.contextLength() > 0 ? spec.contextLength() : config.contextLength();
        if (context == 0) {
            throw new ConfigurationException("Model " + modelName + " declares no context length (no genai_config.json or"
                    + " config.json with one); set it with Onnx.model(path).contextLength(n)");
        }
        if (config.contextLength() > 0 && context > config.contextLength()) {
            throw new ConfigurationException("contextLength " + context + " exceeds the " + config.contextLength()
                    + " tokens " + modelName + " was trained for; use at most that.");
        }
        OrtSession.SessionOptions options = OrtSupport.sessionOptions(spec.threads());
        OrtSession session = null;
        Optional<HfTokenizer> tokenizer = Optional.empty();
        try {
            session = OrtSupport.environment().createSession(modelFile.toString(), options);
            DecoderSignature signature = DecoderSignature.discover(modelName, session.getInputInfo(), session.getOutputInfo());
            Path tokenizerJson = directory.resolve("tokenizer.json");
            if (Files.isRegularFile(tokenizerJson)) {
                tokenizer = Optional.of(HfTokenizer.forGeneration(tokenizerJson));
            } else {
                LOG.info("{} has no tokenizer.json: it accepts token-id prompts only", modelName);
            }
            LOG.info("Opened ONNX decoder {}: {} layers, {} KV cache ({}), vocabulary {}, context {}, {} threads", modelName,
                    signature.layerCount(), signature.slots().getFirst().type(), signature.convention(),
                    signature.vocabularySize(), context, spec.threads());
            return new OnnxDecoderRuntime(options, session, signature, tokenizer,
                    tokenizer.isPresent() ? Optional.of(tokenizerJson) : Optional.empty(), config.endTokens(), context,
                    prefillChunk, modelName);
        } catch (OrtException e) {
            closeAll(session, options, tokenizer);
            throw new ModelLoadException("ONNX Runtime cannot load " + modelFile + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeAll(session, options, tokenizer);
            throw e;
        }
    }

    /** The directory's {@code model.onnx}, its only {@code .onnx} file, or {@code path} itself when it is a file. */
    private static Path modelFile(Path path) {
        if (Files.isRegularFile(path)) {
            return path;
        }
        if (!Files.isDirectory(path)) {
            throw new ModelNotFoundException("No ONNX model at " + path.toAbsolutePath() + ": give a directory holding model.onnx or the .onnx file");
        }
        Path standard = path.resolve("model.onnx");
        if (Files.isRegularFile(standard)) {
            return standard;
        }
        List<Path> candidates;
        try (Stream<Path> files = Files.list(path)) {
            candidates = files.filter(file -> file.getFileName().toString().endsWith(".onnx")).sorted().toList();
        } catch (IOException e) {
            throw new ModelNotFoundException("Cannot list " + path.toAbsolutePath() + ": " + e);
        }
        if (candidates.size() != 1) {
            throw new ConfigurationException(candidates.isEmpty()
                    ? "No .onnx file in " + path.toAbsolutePath()
                    : "Several .onnx files in " + path.toAbsolutePath() + " " + candidates.stream().map(Path::getFileName).toList()
                    + " and none is model.onnx: give the file to use");
        }
        return candidates.getFirst();
    }

    private static void closeAll(OrtSession session, OrtSession.SessionOptions options, Optional<HfTokenizer> tokenizer) {
        tokenizer.ifPresent(HfTokenizer::close);
        if (session != null) {
            try {
                session.close();
            } catch (OrtException e) {
                LOG.warn("Closing an ONNX session failed", e);
            }
        }
        options.close();
    }

    @Override
    public RuntimeInfo info() {
        return info;
    }

    /** How the model's KV cache is named (exposed for tools and tests). */
    public String kvConvention() {
        return signature.convention().name();
    }

    @Override
    public ChatResponse generate(ChatRequest request, Consumer<TokenEvent> tokens, CancellationSignal cancellation) {
        long started = System.nanoTime();
        if (!request.tools().isEmpty()) {
            throw new InvalidRequestException("Model " + info.defaultModel()
                    + " is run without a chat template, so it cannot be offered tools; send the request without tools.");
        }
        HfTokenizer textTokenizer = tokenizer.orElseThrow(() -> new InvalidRequestException("Model " + info.defaultModel()
                + " has no tokenizer.json, so it cannot read text; put the model's tokenizer.json beside it."));
        long[] encoded = textTokenizer.encode(PlainTranscript.render(request.messages()));
        int[] promptIds = new int[encoded.length];
        for (int i = 0; i < encoded.length; i++) {
            promptIds[i] = Math.toIntExact(encoded[i]);
        }
        return run(promptIds, request.options(), tokens, cancellation, started);
    }

    /**
     * Continues a prompt given as token ids (for models without a tokenizer, and for tests against reference ids).
     * Events carry the token ids; their text is empty when the model has no tokenizer.
     */
    public ChatResponse generateFromTokens(int[] promptIds, GenerationOptions options, Consumer<TokenEvent> tokens,
                                           CancellationSignal cancellation) {
        long started = System.nanoTime();
        if (promptIds.length == 0) {
            throw new InvalidRequestException("The prompt needs at least one token id");
        }
        for (int id : promptIds) {
            if (id < 0 || id >= signature.vocabularySize()) {
                throw new InvalidRequestException("Token id " + id + " is outside the vocabulary [0, " + signature.vocabularySize() + ")");
            }
        }
        return run(promptIds.clone(), options, tokens, cancellation, started);
    }

    private ChatResponse run(int[] promptIds, GenerationOptions options, Consumer<TokenEvent> tokens,
                             CancellationSignal cancellation, long started) {
        if (promptIds.length == 0) {
            throw new InvalidRequestException("The prompt is empty after tokenization and the tokenizer adds no start token;"
                    + " send some text.");
        }
        if (promptIds.length > contextLength) {
            throw new ContextOverflowException(promptIds.length, contextLength);
        }
        if (!lifecycle.readLock().tryLock()) {
            throw new ConfigurationException("This ONNX runtime is closing; build a new client.");
        }
        try (DecoderState state = openState()) {
            if (closed) {
                throw new ConfigurationException("This ONNX runtime is closed; build a new client.");
            }
            return decode(state, promptIds, options, tokens, cancellation, started);
        } catch (OrtException e) {
            throw new RuntimeFailureException("ONNX Runtime failed on " + info.defaultModel() + ": " + e.getMessage(), e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    private DecoderState openState() throws OrtException {
        return new DecoderState(session, signature);
    }

    private ChatResponse decode(DecoderState state, int[] promptIds, GenerationOptions options, Consumer<TokenEvent> tokens,
                                CancellationSignal cancellation, long started) throws OrtException {
        if (cancellation.isCancelled()) {
            return response("", FinishReason.CANCELLED, promptIds.length, 0, started, started, started, 0, 0, 0);
        }
        int[] history = DecodeLoop.history(promptIds, options, contextLength);
        int historyLength = promptIds.length;

        Optional<IncrementalDecoder> detokenizer = tokenizer.map(t -> new IncrementalDecoder(t,
                toLongs(Arrays.copyOfRange(promptIds, Math.max(0, promptIds.length - DECODE_CONTEXT_TOKENS), promptIds.length))));
        StopSequenceFilter stops = new StopSequenceFilter(options.stopSequences());
        DecodeLoop.Answer answer = new DecodeLoop.Answer() {
            @Override
            public String push(int token) {
                return stops.accept(detokenizer.map(d -> d.push(token)).orElse(""));
            }

            @Override
            public boolean stopped() {
                return stops.stopped();
            }

            @Override
            public String finish() {
                return stops.stopped() ? "" : stops.accept(detokenizer.map(IncrementalDecoder::flush).orElse("")) + stops.flush();
            }

            @Override
            public Optional<TokenVocabulary> vocabulary() {
                return tokenVocabulary();
            }

            @Override
            public String tokenText(int token) {
                byte[] bytes = tokenVocabulary().map(v -> v.bytes(token)).orElse(null);
                return bytes == null ? "" : new String(bytes, StandardCharsets.UTF_8);
            }
        };
        // built before the prompt runs, so an unusable schema or grammar costs no compute
        TokenConstraint constraint = DecodeLoop.constraint(options.responseFormat(), answer);

        long prefillStart = System.nanoTime();
        float[] logits = null;
        for (int from = 0; from < promptIds.length; from += prefillChunk) {
            if (from > 0 && cancellation.isCancelled()) {
                return response("", FinishReason.CANCELLED, promptIds.length, 0, started, prefillStart, System.nanoTime(), 0, 0, 0);
            }
            logits = state.step(Arrays.copyOfRange(promptIds, from, Math.min(promptIds.length, from + prefillChunk)));
        }
        long prefillEnd = System.nanoTime();

        // the session's cache holds exactly the prompt now; each step feeds one token, so positions follow the prompt
        DecodeLoop.Outcome outcome = DecodeLoop.run(options, constraint, logits, history, historyLength, promptIds.length,
                contextLength, endTokens::contains, answer, tokens, cancellation,
                (token, position) -> state.step(new int[] {token}));
        ChatResponse response = response(outcome.text(), outcome.finish(), promptIds.length, outcome.generated(), started,
                prefillStart, prefillEnd, outcome.firstTokenAt(), outcome.decodeNanos(), outcome.decodeSteps());
        return new ChatResponse(response.text(), response.toolCalls(), response.finishReason(), response.usage(),
                response.timings(), response.route(), response.toolCallErrors(), outcome.logprobs());
    }

    /**
     * The vocabulary as constrained decoding sees it, read from tokenizer.json on first use; empty when the model has
     * no tokenizer or its vocabulary is spelled in a way {@link TokenizerJsonBytes} does not read.
     */
    private Optional<TokenVocabulary> tokenVocabulary() {
        Optional<TokenVocabulary> known = vocabulary;
        if (known == null) {
            synchronized (this) {
                known = vocabulary;
                if (known == null) {
                    known = tokenizerJson.flatMap(file -> TokenizerJsonBytes.read(file, signature.vocabularySize()))
                            .map(bytes -> new TokenVocabulary(bytes, endTokens::contains));
                    vocabulary = known;
                }
            }
        }
        return known;
    }

    private static long[] toLongs(int[] ids) {
        return Arrays.stream(ids).asLongStream().toArray();
    }

    private ChatResponse response(String text, FinishReason finish, int promptTokens, int completionTokens, long started,
                                  long prefillStart, long prefillEnd, long firstTokenAt, long decodeNanos, int decodeSteps) {
        long now = System.nanoTime();
        Duration timeToFirstToken = Duration.ofNanos(firstTokenAt == 0 ? 0 : firstTokenAt - started);
        Timings timings = new Timings(timeToFirstToken, Duration.ofNanos(prefillEnd - prefillStart),
                prefillEnd > prefillStart ? promptTokens : 0, Duration.ofNanos(decodeNanos), decodeSteps,
                Duration.ofNanos(now - started));
        return new ChatResponse(text, List.of(), finish, new Usage(promptTokens, 0, completionTokens), timings,
                new Route(info.name(), info.defaultModel(), "local"));
    }

    /** Waits for running generations, then closes the session and the tokenizer. Idempotent. */
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
}
