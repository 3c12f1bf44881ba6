package dev.hearth.local.stage;

import dev.hearth.api.CacheControl;
import dev.hearth.api.CacheStats;
import dev.hearth.api.ConfigurationException;
import dev.hearth.kvcache.PrefixCache;
import dev.hearth.local.internal.engine.PrefixReuse;
import dev.hearth.local.internal.gguf.GgufFile;
import dev.hearth.local.internal.model.ContextSize;
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
import java.util.Objects;
import java.util.Optional;

/**
 * The layers {@link #range()} of one GGUF model with their own KV cache, worker pool and (optionally) prefix cache:
 * one stage of a pipeline that splits a model across machines, or the whole model when the range covers every layer.
 * Only the range's tensors are read from the mapped file, so a stage costs its share of the model's memory.
 *
 * <p>A stage runs one session at a time, a block of at most {@link #MAX_BLOCK_TOKENS} positions per call: the first
 * stage takes token ids ({@link #forwardTokens}), later ones the previous stage's hidden states
 * ({@link #forwardHidden}); every stage but the last returns hidden states for the next, the last returns logits when
 * asked. The float32 residual stream is all that crosses a boundary, so chained stages compute bit for bit what one
 * process with the whole model computes. Not thread-safe: the pipeline that owns a stage serialises its calls.
 */
public final class ModelStage implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelStage.class);
    /** The most positions one call may run: a prefill block. */
    public static final int MAX_BLOCK_TOKENS = TransformerModel.PREFILL_BLOCK_TOKENS;

    private final GgufFile file;
    private final ModelConfig config;
    private final TransformerModel model;
    private final WorkerPool pool;
    private final KvCache cache;
    private final ForwardState state;
    private final PrefixReuse prefixes;
    private final int contextLength;
    private PrefixReuse.Start started;

    private ModelStage(GgufFile file, ModelConfig config, TransformerModel model, int contextLength, int threads,
                       PrefixReuse prefixes) {
        this.file = file;
        this.config = config;
        this.model = model;
        this.contextLength = contextLength;
        this.prefixes = prefixes;
        this.pool = new WorkerPool(threads, "hearth-stage-" + model.range().from());
        this.cache = model.newKvCache(contextLength);
        this.state = model.newState(contextLength);
    }

    /**
     * Opens the layers {@code range} of the model at {@code path}.
     *
     * @param contextLength positions of context; 0 means the model's trained context length
     * @param threads       worker threads (the calling thread counts as one)
     * @param prefixCache   this stage's prefix cache, keyed by the file and the range
     * @throws ConfigurationException when the range does not fit the model or the context exceeds its training
     */
    public static ModelStage open(Path path, LayerRange range, int contextLength, int threads,
                                  Optional<PrefixCache> prefixCache) {
        Objects.requireNonNull(range, "range");
        if (threads < 1) {
            throw new ConfigurationException("threads must be at least 1, was " + threads);
        }
        VectorSupport.require();
        GgufFile file = GgufFile.open(path);
        try {
            Tokenizer tokenizer = Tokenizer.fromGguf(file.metadata());
            ModelConfig config = ModelConfig.from(file.metadata(), tokenizer.vocabularySize());
            if (range.to() > config.layerCount()) {
                throw new ConfigurationException("layers " + range + " do not exist in " + path.getFileName()
                        + ", which has " + config.layerCount() + " layers");
            }
            int context = ContextSize.resolve(contextLength, config, range.size(), path.getFileName().toString());
            TransformerModel model = new TransformerModel(file, config, range, true);
            PrefixReuse prefixes = PrefixReuse.open(path, config, range, prefixCache);
            LOG.info("Opened layers {} of {} ({} layers), context {}, {} threads", range, path.getFileName(),
                    config.layerCount(), context, threads);
            return new ModelStage(file, config, model, context, threads, prefixes);
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    public LayerRange range() {
        return model.range();
    }

    /** Layers of the whole model. */
    public int layerCount() {
        return config.layerCount();
    }

    /** Floats per position of the hidden states between stages. */
    public int embeddingLength() {
        return config.embeddingLength();
    }

    public int vocabularySize() {
        return config.vocabularySize();
    }

    public int contextLength() {
        return contextLength;
    }

    /** Whether this stage takes token ids (its range starts at layer 0). */
    public boolean embedsTokens() {
        return model.embedsTokens();
    }

    /** Whether this stage returns logits (its range ends at the last layer). */
    public boolean computesLogits() {
        return model.computesLogits();
    }

    /** Positions in this stage's KV cache. */
    public int length() {
        return cache.length();
    }

    /** Forgets positions from {@code length} on (a pipeline aligns its stages to the shortest restored prefix). */
    public void truncate(int length) {
        if (length < 0 || length > cache.length()) {
            throw new IllegalArgumentException("cannot truncate " + cache.length() + " positions to " + length);
        }
        cache.truncate(length);
    }

    /**
     * Starts a session for {@code promptIds}: empties the cache and restores the longest prefix this stage's prefix
     * cache (or the session file {@code control} names) holds, leaving at least the last prompt token to compute.
     * Returns the restored positions. Ends the previous session if it was not ended.
     */
    public int begin(int[] promptIds, CacheControl control) {
        end();
        file.checkUnchanged();
        started = prefixes.begin(promptIds, control, cache);
        return started.reusedTokens;
    }

    /** Runs {@code tokens[from, to)} at positions {@link #length()} on; needs a stage that embeds tokens. */
    public float[] forwardTokens(int[] tokens, int from, int to, boolean wantLogits) {
        Objects.checkFromToIndex(from, to, tokens.length);
        checkBlock(to - from);
        model.prefill(tokens, from, to, cache, state, pool, wantLogits);
        return output(wantLogits);
    }

    /**
     * Runs {@code count} positions from {@link #length()} on, given the previous stage's hidden states
     * ({@code count × embeddingLength} floats, position after position).
     */
    public float[] forwardHidden(float[] hidden, int count, boolean wantLogits) {
        checkBlock(count);
        model.forwardHidden(hidden, count, cache, state, pool, wantLogits);
        return output(wantLogits);
    }

    private void checkBlock(int count) {
        if (count < 1 || count > MAX_BLOCK_TOKENS) {
            throw new IllegalArgumentException("a block holds 1 to " + MAX_BLOCK_TOKENS + " positions, was " + count);
        }
    }

    /**
     * The last token's logits when asked (last stage), else the block's hidden states for the next stage. The array
     * is this stage's buffer: valid until its next call.
     */
    private float[] output(boolean wantLogits) {
        return wantLogits ? state.logits() : model.blockHidden(state);
    }

    /** Stores the whole blocks of this stage's computed positions of {@code tokens} in its prefix cache. */
    public void remember(int[] tokens, CacheControl control, int pinnedTokens) {
        prefixes.remember(tokens, cache, control, pinnedTokens);
    }

    /** Writes this stage's computed positions to the session file {@code control} names, if any. */
    public void save(CacheControl control, int[] tokens) {
        prefixes.save(control, tokens, cache);
    }

    /** Releases the prefix blocks the session restored from. */
    public void end() {
        if (started != null) {
            started.close();
            started = null;
        }
    }

    public Optional<CacheStats> cacheStats() {
        return prefixes.stats();
    }

    @Override
    public void close() {
        end();
        prefixes.close();
        pool.close();
        file.close();
    }
}
