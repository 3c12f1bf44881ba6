package dev.hearth.local.internal.engine;

import dev.hearth.api.CacheControl;
import dev.hearth.api.CacheStats;
import dev.hearth.api.ChatRequest;
import dev.hearth.api.ChatResponse;
import dev.hearth.api.ContextOverflowException;
import dev.hearth.api.FinishReason;
import dev.hearth.api.GenerationOptions;
import dev.hearth.api.InvalidRequestException;
import dev.hearth.api.Route;
import dev.hearth.api.Timings;
import dev.hearth.api.ToolChoice;
import dev.hearth.api.TokenEvent;
import dev.hearth.api.Usage;
import dev.hearth.api.spi.CancellationSignal;
import dev.hearth.api.spi.InferenceRuntime;
import dev.hearth.api.spi.Locality;
import dev.hearth.api.spi.RuntimeInfo;
import dev.hearth.kvcache.PrefixCache;
import dev.hearth.local.internal.gguf.GgufFile;
import dev.hearth.local.internal.model.ContextSize;
import dev.hearth.local.internal.model.ModelConfig;
import dev.hearth.local.internal.sampling.TokenConstraint;
import dev.hearth.local.internal.model.TransformerModel;
import dev.hearth.local.internal.tensor.VectorSupport;
import dev.hearth.local.stage.LayerRange;
import dev.hearth.local.stage.ModelStage;
import dev.hearth.local.stage.StagePipeline;
import dev.hearth.local.internal.tokenizer.Tokenizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The GGUF chat engine behind {@code Gguf.model(path)} and the cluster's coordinator: it renders and tokenizes
 * prompts, samples and streams, and runs the layers through a {@link StagePipeline} (one in-process stage holding the
 * whole memory-mapped model, or stages spread over machines). One request at a time runs (further requests wait
 * their turn, fairly, and can be cancelled while waiting). Each request renders its prompt, restores the longest cached prefix when a prefix cache
 * is configured ({@link PrefixReuse}), prefills the rest a block at a time, then samples until the model ends, a stop
 * sequence or a limit is reached, or the caller cancels.
 */
public final class LocalGgufRuntime implements InferenceRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(LocalGgufRuntime.class);

    private final GgufFile file;
    private final StagePipeline pipeline;
    private final Tokenizer tokenizer;
    private final int contextLength;
    private final RuntimeInfo info;
    private final ReentrantLock turn = new ReentrantLock(true);
    private final PromptFormat promptFormat;
    /** Decode's one-token block, so a decode step allocates no array. */
    private final int[] nextToken = new int[1];

    private LocalGgufRuntime(GgufFile file, Tokenizer tokenizer, StagePipeline pipeline, String runtimeName,
                             Locality locality, Optional<String> chatTemplate) {
        this.file = file;
        this.pipeline = pipeline;
        this.tokenizer = tokenizer;
        this.contextLength = pipeline.contextLength();
        // the file name identifies a model better than general.name, which converters often leave as "llama"
        String modelName = stripExtension(file.path().getFileName().toString());
        this.info = new RuntimeInfo(runtimeName, locality, List.of(modelName), contextLength);
        this.promptFormat = PromptFormat.from(file.metadata(), tokenizer, modelName, Clock.systemUTC(),
                chatTemplate);
    }

    /**
     * Opens a model.
     *
     * @param contextLength tokens of context to allow; 0 means the model's trained context length
     * @param threads       worker threads for matrix products and attention (the calling thread counts as one)
     */
    public static LocalGgufRuntime open(Path path, int contextLength, int threads) {
        return open(path, contextLength, threads, Optional.empty());
    }

    /**
     * Opens a model with a prefix cache: prompts that start like earlier ones compute only their new tokens.
     */
    public static LocalGgufRuntime open(Path path, int contextLength, int threads, Optional<PrefixCache> prefixCache) {
        return open(path, contextLength, threads, prefixCache, Optional.empty());
    }

    /**
     * Opens a model whose prompts are rendered with {@code chatTemplate} (Jinja source) instead of the model's own
     * template, when given.
     */
    public static LocalGgufRuntime open(Path path, int contextLength, int threads, Optional<PrefixCache> prefixCache,
                                        Optional<String> chatTemplate) {
        VectorSupport.require();
        GgufFile file = GgufFile.open(path);
        try {
            Tokenizer tokenizer = Tokenizer.fromGguf(file.metadata());
            ModelConfig config = ModelConfig.from(file.metadata(), tokenizer.vocabularySize());
            int context = ContextSize.resolve(contextLength, config, config.layerCount(), path.getFileName().toString());
            LOG.info("Opening {}: {} layers, {} embedding, {} heads ({} KV), context {}, {} threads", path.getFileName(),
                    config.layerCount(), config.embeddingLength(), config.headCount(), config.kvHeadCount(), context, threads);
            ModelStage whole = ModelStage.open(path, LayerRange.all(config.layerCount()), context, threads, prefixCache);
            return new LocalGgufRuntime(file, tokenizer, StagePipeline.local(List.of(whole)), "local-gguf",
                    Locality.IN_PROCESS, chatTemplate);
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /**
     * A chat runtime over {@code pipeline}, whose stages compute the model at {@code path}: this process renders
     * prompts, tokenizes, samples and streams; the stages (here or on other machines) run the layers. The runtime
     * owns the pipeline and closes it.
     */
    public static LocalGgufRuntime over(Path path, StagePipeline pipeline, String runtimeName, Locality locality) {
        VectorSupport.require();
        GgufFile file = GgufFile.open(path);
        try {
            return new LocalGgufRuntime(file, Tokenizer.fromGguf(file.metadata()), pipeline, runtimeName, locality,
                    Optional.empty());
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    @Override
    public RuntimeInfo info() {
        return info;
    }

    /** The prompt text a request becomes, after the chat template (or plain transcript) and BOS handling. */
    public String renderPrompt(ChatRequest request) {
        return promptFormat.render(request);
    }

    /** The tokenizer read from the model file (exposed for tools and tests). */
    public Tokenizer tokenizer() {
        return tokenizer;
    }

    @Override
    public ChatResponse generate(ChatRequest request, Consumer<TokenEvent> tokens, CancellationSignal cancellation) {
        long started = System.nanoTime();
        if (request.options().toolChoice().mode() == ToolChoice.Mode.NONE) {
            request = request.withTools(List.of()); // not offered to the template, so the model is not told of them
        }
        for (int token : request.options().logitBias().keySet()) {
            if (token >= tokenizer.vocabularySize()) {
                throw new InvalidRequestException("logitBias names token " + token + ", outside this model's vocabulary of "
                        + tokenizer.vocabularySize() + " tokens");
            }
        }
        int[] promptIds = promptFormat.promptIds(request);
        if (promptIds.length > contextLength) {
            throw new ContextOverflowException(promptIds.length, contextLength);
        }
        PrefixReuse.checkSaveTarget(request.cache());
        int pinnedTokens = pinnedPrefixTokens(request, promptIds);
        AnswerText answer = newAnswer(request, promptIds);
        // a schema or grammar the engine cannot honour is refused before the request waits or computes anything
        TokenConstraint constraint = DecodeLoop.constraint(request.options().responseFormat(), answer);
        if (!acquireTurn(cancellation)) {
            return cancelledBeforeStart(promptIds.length, started);
        }
        try {
            return run(request.options(), constraint, request.cache(), pinnedTokens, promptIds, answer, tokens,
                    cancellation, started);
        } finally {
            turn.unlock();
        }
    }

    private boolean acquireTurn(CancellationSignal cancellation) {
        try {
            while (!turn.tryLock(50, TimeUnit.MILLISECONDS)) {
                if (cancellation.isCancelled()) {
                    return false;
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The prompt tokens of the tools and first messages a request asks to pin (0 when it pins nothing). */
    private int pinnedPrefixTokens(ChatRequest request, int[] promptIds) {
        int messages = Math.min(request.cache().pinnedMessages(), request.messages().size());
        if (messages == 0 || !request.cache().enabled()) {
            return 0;
        }
        int[] prefixIds = promptFormat.prefixIds(request, messages);
        int common = 0;
        while (common < Math.min(prefixIds.length, promptIds.length) && prefixIds[common] == promptIds[common]) {
            common++;
        }
        return common;
    }

    @Override
    public Optional<CacheStats> cacheStats() {
        return pipeline.cacheStats();
    }

    private AnswerText newAnswer(ChatRequest request, int[] promptIds) {
        boolean startOfText = promptIds.length == 1 && tokenizer.addsBos() && promptIds[0] == tokenizer.bosId();
        // only SentencePiece's dummy-prefix space is dropped; a BPE model's leading space is real text
        return new AnswerText(tokenizer, startOfText && tokenizer.addsSpacePrefix(), request.options().stopSequences(),
                promptFormat.toolCallStream(request), promptFormat.markerTokens(), request.options().toolChoice());
    }

    private ChatResponse run(GenerationOptions options, TokenConstraint constraint, CacheControl cacheControl,
                             int pinnedTokens, int[] promptIds, AnswerText answer, Consumer<TokenEvent> tokens, CancellationSignal cancellation, long started) {
        // the prompt and the answer, for the repetition penalty
        int[] history = DecodeLoop.history(promptIds, options, contextLength);
        int historyLength = promptIds.length;

        try {
            int cached = pipeline.begin(promptIds, cacheControl);
            // prefill times the computed tokens only; restoring the cached ones counts in the time to first token
            long prefillStart = System.nanoTime();
            float[] logits = null;
            // a block at a time (weights read once per block), checking for cancellation between blocks
            for (int position = cached; position < promptIds.length; position += TransformerModel.PREFILL_BLOCK_TOKENS) {
                if (cancellation.isCancelled()) {
                    pipeline.remember(promptIds, cacheControl, 0); // what was computed serves the retry
                    return response("", FinishReason.CANCELLED, promptIds.length, cached, 0, started, prefillStart,
                            System.nanoTime(), 0, 0, 0);
                }
                int blockEnd = Math.min(promptIds.length, position + TransformerModel.PREFILL_BLOCK_TOKENS);
                logits = pipeline.forward(promptIds, position, blockEnd, blockEnd == promptIds.length);
            }
            long prefillEnd = System.nanoTime();
            pipeline.remember(promptIds, cacheControl, pinnedTokens);
            Decoded decoded = decode(options, constraint, promptIds, cached, logits, history, historyLength, answer, tokens,
                    cancellation, started, prefillStart, prefillEnd);
            // the answer's own blocks serve the next turn, which repeats it
            pipeline.remember(decoded.history(), cacheControl, 0);
            pipeline.save(cacheControl, decoded.history());
            return decoded.response();
        } finally {
            pipeline.end();
        }
    }

    /** An answer, and the prompt and answer tokens its blocks are remembered by. */
    private record Decoded(ChatResponse response, int[] history) {
    }

    private Decoded decode(GenerationOptions options, TokenConstraint constraint, int[] promptIds, int cached,
                                float[] promptLogits, int[] history, int historyLength, AnswerText answer, Consumer<TokenEvent> tokens, CancellationSignal cancellation,
                                long started, long prefillStart, long prefillEnd) {
        DecodeLoop.Outcome outcome = DecodeLoop.run(options, constraint, promptLogits, history, historyLength, promptIds.length,
                contextLength, tokenizer::isEndOfGeneration, answer, tokens, cancellation,
                (token, position) -> {
                    nextToken[0] = token;
                    return pipeline.forward(nextToken, 0, 1, true);
                });
        FinishReason finish = outcome.finish();
        if (answer.calledTools() && (finish == FinishReason.STOP || finish == FinishReason.STOP_SEQUENCE)) {
            finish = FinishReason.TOOL_CALLS;
        }
        ChatResponse response = response(outcome.text(), finish, promptIds.length, cached, outcome.generated(), started,
                prefillStart, prefillEnd, outcome.firstTokenAt(), outcome.decodeNanos(), outcome.decodeSteps());
        return new Decoded(new ChatResponse(response.text(), answer.toolCalls(), response.finishReason(), response.usage(),
                response.timings(), response.route(), answer.toolCallErrors(), outcome.logprobs()), outcome.history());
    }

    private ChatResponse response(String text, FinishReason finish, int promptTokens, int cachedTokens, int completionTokens,
                                  long started, long prefillStart, long prefillEnd, long firstTokenAt, long decodeNanos,
                                  int decodeSteps) {
        long now = System.nanoTime();
        Duration timeToFirstToken = Duration.ofNanos(firstTokenAt == 0 ? 0 : firstTokenAt - started);
        Timings timings = new Timings(timeToFirstToken, Duration.ofNanos(prefillEnd - prefillStart),
                firstTokenAt == 0 ? 0 : promptTokens - cachedTokens, Duration.ofNanos(decodeNanos), decodeSteps,
                Duration.ofNanos(now - started));
        return new ChatResponse(text, List.of(), finish, new Usage(promptTokens, cachedTokens, completionTokens), timings,
                new Route(info.name(), info.defaultModel(), "local"));
    }

    private ChatResponse cancelledBeforeStart(int promptTokens, long started) {
        Duration total = Duration.ofNanos(System.nanoTime() - started);
        return new ChatResponse("", List.of(), FinishReason.CANCELLED, new Usage(promptTokens, 0, 0),
                new Timings(Duration.ZERO, Duration.ZERO, 0, Duration.ZERO, 0, total),
                new Route(info.name(), info.defaultModel(), "local"));
    }

    @Override
    public void close() {
        // wait for a running generation so the mapping is never unmapped under it
        turn.lock();
        try {
            pipeline.close();
            file.close();
        } finally {
            turn.unlock();
        }
    }

    private static String stripExtension(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot > 0 ? fileName.substring(0, dot) : fileName;
    }
}
