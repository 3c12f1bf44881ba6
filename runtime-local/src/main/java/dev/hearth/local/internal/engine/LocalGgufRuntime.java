package dev.hearth.local.internal.engine;

import dev.hearth.api.CacheControl;
import dev.hearth.api.CacheStats;
import dev.hearth.api.ChatRequest;
import dev.hearth.api.ChatResponse;
import dev.hearth.api.ConfigurationException;
import dev.hearth.api.ContextOverflowException;
import dev.hearth.api.FinishReason;
import dev.hearth.api.GenerationOptions;
import dev.hearth.api.Route;
import dev.hearth.api.Timings;
import dev.hearth.api.TokenEvent;
import dev.hearth.api.Usage;
import dev.hearth.api.spi.CancellationSignal;
import dev.hearth.api.spi.InferenceRuntime;
import dev.hearth.api.spi.Locality;
import dev.hearth.api.spi.RuntimeInfo;
import dev.hearth.kvcache.PrefixCache;
import dev.hearth.local.internal.gguf.GgufFile;
import dev.hearth.local.internal.model.ForwardState;
import dev.hearth.local.internal.model.KvCache;
import dev.hearth.local.internal.model.ModelConfig;
import dev.hearth.local.internal.model.TransformerModel;
import dev.hearth.local.internal.tensor.VectorSupport;
import dev.hearth.local.internal.threads.WorkerPool;
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
 * The in-process GGUF engine behind {@code Gguf.model(path)}: the file stays memory-mapped, weights are read in
 * place, and one request at a time runs on a fixed worker pool (further requests wait their turn, fairly, and can be
 * cancelled while waiting). Each request renders its prompt, restores the longest cached prefix when a prefix cache
 * is configured ({@link PrefixReuse}), prefills the rest token by token, then samples until the model ends, a stop
 * sequence or a limit is reached, or the caller cancels.
 */
public final class LocalGgufRuntime implements InferenceRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(LocalGgufRuntime.class);

    private final GgufFile file;
    private final TransformerModel model;
    private final Tokenizer tokenizer;
    private final int contextLength;
    private final WorkerPool pool;
    private final RuntimeInfo info;
    private final ReentrantLock turn = new ReentrantLock(true);
    private final KvCache cache;
    private final ForwardState state;
    private final PrefixReuse prefixes;
    private final PromptFormat promptFormat;

    private LocalGgufRuntime(GgufFile file, TransformerModel model, Tokenizer tokenizer, int contextLength, int threads,
                             PrefixReuse prefixes) {
        this.prefixes = prefixes;
        this.file = file;
        this.model = model;
        this.tokenizer = tokenizer;
        this.contextLength = contextLength;
        this.pool = new WorkerPool(threads, "hearth-gguf");
        // the file name identifies a model better than general.name, which converters often leave as "llama"
        String modelName = stripExtension(file.path().getFileName().toString());
        this.info = new RuntimeInfo("local-gguf", Locality.IN_PROCESS, List.of(modelName), contextLength);
        this.cache = model.newKvCache(contextLength);
        this.state = model.newState(contextLength);
        this.promptFormat = PromptFormat.from(file.metadata(), tokenizer, modelName, Clock.systemUTC());
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
        VectorSupport.require();
        GgufFile file = GgufFile.open(path);
        try {
            Tokenizer tokenizer = Tokenizer.fromGguf(file.metadata());
            ModelConfig config = ModelConfig.from(file.metadata(), tokenizer.vocabularySize());
            int context = contextLength == 0 ? config.trainedContextLength() : contextLength;
            if (context > config.trainedContextLength()) {
                throw new ConfigurationException("contextLength " + context + " exceeds the " + config.trainedContextLength()
                        + " tokens " + path.getFileName() + " was trained for; use at most that.");
            }
            TransformerModel model = new TransformerModel(file, config);
            LOG.info("Opened {}: {} layers, {} embedding, {} heads ({} KV), context {}, {} threads", path.getFileName(),
                    config.layerCount(), config.embeddingLength(), config.headCount(), config.kvHeadCount(), context, threads);
            PrefixReuse prefixes = PrefixReuse.open(path, config, prefixCache);
            return new LocalGgufRuntime(file, model, tokenizer, context, threads, prefixes);
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
        int[] promptIds = promptFormat.promptIds(request);
        if (promptIds.length > contextLength) {
            throw new ContextOverflowException(promptIds.length, contextLength);
        }
        PrefixReuse.checkSaveTarget(request.cache());
        int pinnedTokens = pinnedPrefixTokens(request, promptIds);
        if (!acquireTurn(cancellation)) {
            return cancelledBeforeStart(promptIds.length, started);
        }
        try {
            AnswerText answer = newAnswer(request, promptIds);
            return run(request.options(), request.cache(), pinnedTokens, promptIds, answer, tokens, cancellation, started);
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
        return prefixes.stats();
    }

    private AnswerText newAnswer(ChatRequest request, int[] promptIds) {
        boolean startOfText = promptIds.length == 1 && tokenizer.addsBos() && promptIds[0] == tokenizer.bosId();
        // only SentencePiece's dummy-prefix space is dropped; a BPE model's leading space is real text
        return new AnswerText(tokenizer, startOfText && tokenizer.addsSpacePrefix(), request.options().stopSequences(),
                promptFormat.toolCallStream(request), promptFormat.markerTokens());
    }

    private ChatResponse run(GenerationOptions options, CacheControl cacheControl, int pinnedTokens, int[] promptIds,
                             AnswerText answer, Consumer<TokenEvent> tokens, CancellationSignal cancellation, long started) {
        // the prompt and the answer, for the repetition penalty
        int[] history = new int[contextLength + 1];
        System.arraycopy(promptIds, 0, history, 0, promptIds.length);
        int historyLength = promptIds.length;

        try (PrefixReuse.Start reuse = prefixes.begin(promptIds, cacheControl, cache)) {
            int cached = reuse.reusedTokens;
            // prefill times the computed tokens only; restoring the cached ones counts in the time to first token
            long prefillStart = System.nanoTime();
            // a block at a time (weights read once per block), checking for cancellation between blocks
            for (int position = cached; position < promptIds.length; position += TransformerModel.PREFILL_BLOCK_TOKENS) {
                if (cancellation.isCancelled()) {
                    prefixes.remember(promptIds, cache, cacheControl, 0); // what was computed serves the retry
                    return response("", FinishReason.CANCELLED, promptIds.length, cached, 0, started, prefillStart,
                            System.nanoTime(), 0, 0, 0);
                }
                int blockEnd = Math.min(promptIds.length, position + TransformerModel.PREFILL_BLOCK_TOKENS);
                model.prefill(promptIds, position, blockEnd, cache, state, pool, blockEnd == promptIds.length);
            }
            long prefillEnd = System.nanoTime();
            prefixes.remember(promptIds, cache, cacheControl, pinnedTokens);
            ChatResponse response = decode(options, promptIds, cached, history, historyLength, answer, tokens,
                    cancellation, started, prefillStart, prefillEnd);
            // the answer's own blocks serve the next turn, which repeats it
            prefixes.remember(history, cache, cacheControl, 0);
            prefixes.save(cacheControl, history, cache);
            return response;
        }
    }

    private ChatResponse decode(GenerationOptions options, int[] promptIds, int cached, int[] history, int historyLength,
                                AnswerText answer, Consumer<TokenEvent> tokens, CancellationSignal cancellation,
                                long started, long prefillStart, long prefillEnd) {
        DecodeLoop.Outcome outcome = DecodeLoop.run(options, state.logits(), history, historyLength, promptIds.length,
                contextLength, tokenizer::isEndOfGeneration, answer, tokens, cancellation,
                (token, position) -> {
                    model.forward(token, position, cache, state, pool, true);
                    return state.logits();
                });
        FinishReason finish = outcome.finish();
        if (answer.calledTools() && (finish == FinishReason.STOP || finish == FinishReason.STOP_SEQUENCE)) {
            finish = FinishReason.TOOL_CALLS;
        }
        ChatResponse response = response(outcome.text(), finish, promptIds.length, cached, outcome.generated(), started,
                prefillStart, prefillEnd, outcome.firstTokenAt(), outcome.decodeNanos(), outcome.decodeSteps());
        return new ChatResponse(response.text(), answer.toolCalls(), response.finishReason(), response.usage(),
                response.timings(), response.route(), answer.toolCallErrors());
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
            prefixes.close();
            pool.close();
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
