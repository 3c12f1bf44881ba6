package dev.hearth.local.internal.engine;

import dev.hearth.api.CacheControl;
import dev.hearth.api.CacheStats;
import dev.hearth.api.InvalidRequestException;
import dev.hearth.api.ModelLoadException;
import dev.hearth.api.RuntimeFailureException;
import dev.hearth.kvcache.KvArrays;
import dev.hearth.kvcache.KvShape;
import dev.hearth.kvcache.ModelFingerprint;
import dev.hearth.kvcache.PrefixCache;
import dev.hearth.kvcache.PrefixLease;
import dev.hearth.kvcache.PrefixStore;
import dev.hearth.kvcache.SessionFile;
import dev.hearth.local.internal.model.KvCache;
import dev.hearth.local.internal.model.KvTransfer;
import dev.hearth.local.internal.model.ModelConfig;
import dev.hearth.local.stage.LayerRange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Everything the engine does with the prefix cache and saved sessions, so the generation loop only asks "how many
 * prompt positions are already done?" and reports what it computed. Reuse is exact: cached keys and values are the
 * bits a cold prefill of the same tokens on the same weights produces, and at least the last prompt token is always
 * computed (its logits start the answer). Any cache failure falls back to computing: it never fails a request.
 */
public final class PrefixReuse implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PrefixReuse.class);
    /**
     * Bump when the forward pass's numerics change (kernels, accumulation order, RoPE): keys and values cached by an
     * older engine would no longer match a cold prefill, and the new fingerprint makes them unreachable.
     */
    static final int ENGINE_NUMERICS_VERSION = 1;

    private final ModelFingerprint fingerprint;
    private final KvShape shape;
    private final PrefixStore store;

    private PrefixReuse(ModelFingerprint fingerprint, KvShape shape, PrefixStore store) {
        this.fingerprint = fingerprint;
        this.shape = shape;
        this.store = store;
    }

    /** Fingerprints the whole model; opens its prefix store when {@code cache} is configured. */
    static PrefixReuse open(Path modelFile, ModelConfig config, Optional<PrefixCache> cache) {
        return open(modelFile, config, LayerRange.all(config.layerCount()), cache);
    }

    /**
     * Fingerprints the layers of {@code range} (a pipeline stage's keys and values are its layers' only, so its blocks
     * must never meet another stage's); opens its prefix store when {@code cache} is configured.
     */
    public static PrefixReuse open(Path modelFile, ModelConfig config, LayerRange range, Optional<PrefixCache> cache) {
        String computation = "arch=" + config.architecture() + " layers=" + range.from() + ".." + range.to()
                + " kv=f32 kvDimension=" + config.kvDimension() + " engine=" + ENGINE_NUMERICS_VERSION;
        ModelFingerprint fingerprint;
        try {
            fingerprint = ModelFingerprint.ofWeightsFile(modelFile, computation);
        } catch (UncheckedIOException e) {
            throw new ModelLoadException("Cannot read " + modelFile + " to fingerprint it: " + e.getMessage(), e.getCause());
        }
        KvShape shape = new KvShape(range.size(), config.kvDimension());
        return new PrefixReuse(fingerprint, shape, cache.map(c -> c.open(fingerprint, shape)).orElse(null));
    }

    public Optional<CacheStats> stats() {
        return store == null ? Optional.empty() : Optional.of(store.stats());
    }

    /** The cached prefix a call starts from; close it when the call ends. */
    public static final class Start implements AutoCloseable {
        private final PrefixLease lease;
        public final int reusedTokens;

        Start(PrefixLease lease, int reusedTokens) {
            this.lease = lease;
            this.reusedTokens = reusedTokens;
        }

        @Override
        public void close() {
            if (lease != null) {
                lease.close();
            }
        }
    }

    /**
     * Empties {@code cache} and fills it with the longest reusable prefix of the prompt (from a restored session or
     * the store), leaving at least the last prompt token to compute.
     */
    public Start begin(int[] promptIds, CacheControl control, KvCache cache) {
        cache.truncate(0);
        int reusable = promptIds.length - 1;
        int restored = 0;
        if (control.restoreFrom().isPresent()) {
            restored = restoreSession(control.restoreFrom().get(), promptIds, reusable, cache);
        }
        if (store == null || !control.enabled() || reusable <= restored) {
            return new Start(null, restored);
        }
        PrefixLease lease = null;
        try {
            lease = store.lookup(promptIds, reusable);
            if (lease.tokens() > restored) {
                KvTransfer.prepareRestore(cache, lease.tokens());
                lease.copyInto(KvTransfer.arrays(cache));
                return new Start(lease, lease.tokens());
            }
            return new Start(lease, restored);
        } catch (RuntimeException e) {
            LOG.warn("Prefix cache lookup failed; computing the whole prompt", e);
            if (lease != null) {
                lease.close();
            }
            cache.truncate(0);
            return new Start(null, 0);
        }
    }

    private int restoreSession(Path file, int[] promptIds, int reusable, KvCache cache) {
        try (SessionFile session = SessionFile.read(file, fingerprint, shape)) {
            int[] saved = session.tokens();
            int common = 0;
            int limit = Math.min(Math.min(saved.length, reusable), cache.contextLength());
            while (common < limit && saved[common] == promptIds[common]) {
                common++;
            }
            KvTransfer.prepareRestore(cache, common);
            session.copyInto(KvTransfer.arrays(cache), common);
            return common;
        } catch (IOException e) {
            throw new InvalidRequestException("Cannot restore the session from " + file + ": " + e.getMessage());
        }
    }

    /** Stores the whole blocks of the computed positions {@code tokens[0, cache.length())}; pins the first tokens asked. */
    public void remember(int[] tokens, KvCache cache, CacheControl control, int pinnedTokens) {
        if (store == null || !control.enabled()) {
            return;
        }
        try {
            KvArrays arrays = KvTransfer.arrays(cache);
            store.store(tokens, cache.length(), arrays);
            if (pinnedTokens > 0) {
                store.pin(tokens, Math.min(pinnedTokens, cache.length()));
            }
        } catch (RuntimeException e) {
            LOG.warn("Prefix cache could not store this prompt's blocks; the answer is unaffected", e);
        }
    }

    /** Fails fast, before any work, when a session could not be saved where asked. */
    public static void checkSaveTarget(CacheControl control) {
        control.saveTo().ifPresent(file -> {
            Path directory = file.toAbsolutePath().getParent();
            if (directory == null || !Files.isDirectory(directory) || !Files.isWritable(directory)) {
                throw new InvalidRequestException("Cannot save the session to " + file + ": its directory does not exist or is not writable");
            }
        });
    }

    /** Writes the session's computed positions to the file the call asked for. */
    public void save(CacheControl control, int[] tokens, KvCache cache) {
        if (control.saveTo().isEmpty()) {
            return;
        }
        Path file = control.saveTo().get();
        try {
            SessionFile.write(file, fingerprint, shape, tokens, cache.length(), KvTransfer.arrays(cache));
        } catch (IOException | RuntimeException e) {
            throw new RuntimeFailureException("Cannot save the session to " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (store != null) {
            store.close();
        }
    }
}
