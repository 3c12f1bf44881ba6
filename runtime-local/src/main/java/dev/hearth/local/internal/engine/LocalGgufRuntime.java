package dev.hearth.local.internal.engine;

import dev.hearth.api.ChatRequest;
import dev.hearth.api.ChatResponse;
import dev.hearth.api.ConfigurationException;
import dev.hearth.api.ContextOverflowException;
import dev.hearth.api.FinishReason;
import dev.hearth.api.GenerationOptions;
import dev.hearth.api.InvalidRequestException;
import dev.hearth.api.Route;
import dev.hearth.api.Timings;
import dev.hearth.api.TokenEvent;
import dev.hearth.api.Usage;
import dev.hearth.api.spi.CancellationSignal;
import dev.hearth.api.spi.InferenceRuntime;
import dev.hearth.api.spi.Locality;
import dev.hearth.api.spi.RuntimeInfo;
import dev.hearth.local.internal.gguf.GgufFile;
import dev.hearth.local.internal.model.ForwardState;
import dev.hearth.local.internal.model.KvCache;
import dev.hearth.local.internal.model.LlamaConfig;
import dev.hearth.local.internal.model.LlamaModel;
import dev.hearth.local.internal.sampling.Sampler;
import dev.hearth.local.internal.tensor.VectorSupport;
import dev.hearth.local.internal.threads.WorkerPool;
import dev.hearth.local.internal.tokenizer.StreamingDetokenizer;
import dev.hearth.local.internal.tokenizer.Tokenizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The in-process GGUF engine behind {@code Gguf.model(path)}: the file stays memory-mapped, weights are read in
 * place, and one request at a time runs on a fixed worker pool (further requests wait their turn, fairly, and can be
 * cancelled while waiting). Each request renders its prompt, prefills it token by token, then samples until the
 * model ends, a stop sequence or a limit is reached, or the caller cancels.
 */
public final class LocalGgufRuntime implements InferenceRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(LocalGgufRuntime.class);

    private final GgufFile file;
    private final LlamaModel model;
    private final Tokenizer tokenizer;
    private final int contextLength;
    private final WorkerPool pool;
    private final RuntimeInfo info;
    private final ReentrantLock turn = new ReentrantLock(true);
    private final KvCache cache;
    private final ForwardState state;

    private LocalGgufRuntime(GgufFile file, LlamaModel model, Tokenizer tokenizer, int contextLength, int threads) {
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
    }

    /**
     * Opens a model.
     *
     * @param contextLength tokens of context to allow; 0 means the model's trained context length
     * @param threads       worker threads for matrix products (the calling thread counts as one)
     */
    public static LocalGgufRuntime open(Path path, int contextLength, int threads) {
        VectorSupport.require();
        GgufFile file = GgufFile.open(path);
        try {
            Tokenizer tokenizer = Tokenizer.fromGguf(file.metadata());
            LlamaConfig config = LlamaConfig.from(file.metadata(), tokenizer.vocabularySize());
            int context = contextLength == 0 ? config.trainedContextLength() : contextLength;
            if (context > config.trainedContextLength()) {
                throw new ConfigurationException("contextLength " + context + " exceeds the " + config.trainedContextLength()
                        + " tokens " + path.getFileName() + " was trained for; use at most that.");
            }
            LlamaModel model = new LlamaModel(file, config);
            LOG.info("Opened {}: {} layers, {} embedding, {} heads ({} KV), context {}, {} threads", path.getFileName(),
                    config.layerCount(), config.embeddingLength(), config.headCount(), config.kvHeadCount(), context, threads);
            return new LocalGgufRuntime(file, model, tokenizer, context, threads);
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    @Override
    public RuntimeInfo info() {
        return info;
    }

    /** The tokenizer read from the model file (exposed for tools and tests). */
    public Tokenizer tokenizer() {
        return tokenizer;
    }

    @Override
    public ChatResponse generate(ChatRequest request, Consumer<TokenEvent> tokens, CancellationSignal cancellation) {
        long started = System.nanoTime();
        if (!request.tools().isEmpty()) {
            throw new InvalidRequestException("Model " + info.defaultModel()
                    + " has no chat template, so it cannot be offered tools; send the request without tools.");
        }
        String prompt = PlainTranscript.render(request.messages());
        int[] promptIds = tokenizer.encode(prompt, true, false);
        if (promptIds.length > contextLength) {
            throw new ContextOverflowException(promptIds.length, contextLength);
        }
        if (!acquireTurn(cancellation)) {
            return cancelledBeforeStart(promptIds.length, started);
        }
        try {
            return run(request.options(), promptIds, tokens, cancellation, started);
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

    private ChatResponse run(GenerationOptions options, int[] promptIds, Consumer<TokenEvent> tokens,
                             CancellationSignal cancellation, long started) {
        cache.truncate(0);
        // the prompt and the answer, for the repetition penalty
        int[] history = new int[contextLength + 1];
        System.arraycopy(promptIds, 0, history, 0, promptIds.length);
        int historyLength = promptIds.length;

        long prefillStart = System.nanoTime();
        for (int position = 0; position < promptIds.length; position++) {
            if (cancellation.isCancelled()) {
                return response("", FinishReason.CANCELLED, promptIds.length, 0, started, prefillStart, System.nanoTime(), 0, 0, 0);
            }
            model.forward(promptIds[position], position, cache, state, pool, position == promptIds.length - 1);
        }
        long prefillEnd = System.nanoTime();

        long seed = options.seed().orElseGet(() -> ThreadLocalRandom.current().nextLong());
        Sampler sampler = new Sampler(options, seed);
        boolean startOfText = promptIds.length == 1 && tokenizer.addsBos() && promptIds[0] == tokenizer.bosId();
        // only SentencePiece's dummy-prefix space is dropped; a BPE model's leading space is real text
        StreamingDetokenizer detokenizer = new StreamingDetokenizer(tokenizer,
                startOfText && tokenizer.addsSpacePrefix());
        StopSequenceFilter stops = new StopSequenceFilter(options.stopSequences());
        StringBuilder text = new StringBuilder();

        int generated = 0;
        int decodeSteps = 0;
        long decodeNanos = 0;
        long firstTokenAt = 0;
        FinishReason finish;
        while (true) {
            int token = sampler.sample(state.logits(), history, 0, historyLength);
            if (firstTokenAt == 0) {
                firstTokenAt = System.nanoTime();
            }
            if (tokenizer.isEndOfGeneration(token)) {
                finish = FinishReason.STOP;
                break;
            }
            history[historyLength++] = token;
            String released = stops.accept(detokenizer.push(token));
            text.append(released);
            tokens.accept(new TokenEvent(generated, token, released));
            generated++;
            if (stops.stopped()) {
                finish = FinishReason.STOP_SEQUENCE;
                break;
            }
            if (generated >= options.maxTokens()) {
                finish = FinishReason.LENGTH;
                break;
            }
            if (cancellation.isCancelled()) {
                finish = FinishReason.CANCELLED;
                break;
            }
            int position = promptIds.length + generated - 1;
            if (position >= contextLength) {
                finish = FinishReason.CONTEXT_FULL;
                break;
            }
            long stepStart = System.nanoTime();
            model.forward(token, position, cache, state, pool, true);
            decodeNanos += System.nanoTime() - stepStart;
            decodeSteps++;
        }
        if (finish != FinishReason.STOP_SEQUENCE) {
            String rest = stops.accept(detokenizer.flush()) + stops.flush();
            if (!rest.isEmpty()) {
                text.append(rest);
                tokens.accept(new TokenEvent(generated, -1, rest));
            }
        }
        return response(text.toString(), finish, promptIds.length, generated, started, prefillStart, prefillEnd,
                firstTokenAt, decodeNanos, decodeSteps);
    }

    private ChatResponse response(String text, FinishReason finish, int promptTokens, int completionTokens, long started,
                                  long prefillStart, long prefillEnd, long firstTokenAt, long decodeNanos, int decodeSteps) {
        long now = System.nanoTime();
        Duration timeToFirstToken = Duration.ofNanos(firstTokenAt == 0 ? 0 : firstTokenAt - started);
        Timings timings = new Timings(timeToFirstToken, Duration.ofNanos(prefillEnd - prefillStart),
                firstTokenAt == 0 ? 0 : promptTokens, Duration.ofNanos(decodeNanos), decodeSteps, Duration.ofNanos(now - started));
        return new ChatResponse(text, List.of(), finish, new Usage(promptTokens, 0, completionTokens), timings,
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
