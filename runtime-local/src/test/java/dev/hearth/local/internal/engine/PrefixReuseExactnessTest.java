package dev.hearth.local.internal.engine;

import dev.hearth.api.CacheControl;
import dev.hearth.kvcache.PrefixCache;
import dev.hearth.local.internal.gguf.GgufFile;
import dev.hearth.local.internal.model.ForwardState;
import dev.hearth.local.internal.model.KvCache;
import dev.hearth.local.internal.model.ModelConfig;
import dev.hearth.local.internal.model.TransformerModel;
import dev.hearth.local.internal.threads.WorkerPool;
import dev.hearth.local.internal.tokenizer.Tokenizer;
import dev.hearth.local.testing.SharedModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Logits after a cached prefix are bit-identical to a cold prefill of the same tokens: on stories260K (F32) and on a
 * Q8_0 llama, for prefixes ending on and inside a block boundary, from memory and from the disk tier.
 */
class PrefixReuseExactnessTest {
    private static final int BLOCK = 16;
    private static WorkerPool pool;

    @TempDir
    Path spill;

    @BeforeAll
    static void startPool() {
        pool = new WorkerPool(2, "exactness-test");
    }

    @AfterAll
    static void stopPool() {
        pool.close();
    }

    private static Path model(String name) {
        return name.equals("stories260K") ? SharedModels.stories260K() : SharedModels.file("parity/models/" + name + ".gguf");
    }

    @ParameterizedTest
    @ValueSource(strings = {"stories260K", "llama-Q8_0"})
    void logitsAfterACachedPrefixEqualAColdPrefillBitForBit(String name) {
        Path path = model(name);
        try (GgufFile file = GgufFile.open(path)) {
            Tokenizer tokenizer = Tokenizer.fromGguf(file.metadata());
            ModelConfig config = ModelConfig.from(file.metadata(), tokenizer.vocabularySize());
            TransformerModel model = new TransformerModel(file, config);
            int[] shared = tokenizer.encode("Once upon a time, there was a little girl named Lily. She loved to play outside"
                    + " in the park with her friends and her big red ball.", true, false);
            assertThat(shared.length % BLOCK).as("the shared prefix ends inside a block").isNotZero();
            int[] first = concat(shared, tokenizer.encode(" One day she saw a bird.", false, false));
            int[] second = concat(shared, tokenizer.encode(" The sun was hot and the sky was blue.", false, false));

            // memory only; then a budget of one block, so the reused blocks come back from the disk tier
            for (PrefixCache cache : new PrefixCache[]{PrefixCache.inMemory(64L << 20).blockSize(BLOCK),
                    PrefixCache.inMemory(new dev.hearth.kvcache.KvShape(config.layerCount(), config.kvDimension()).bytesFor(BLOCK))
                            .blockSize(BLOCK).spillTo(spill.resolve(name + "-" + System.nanoTime()))}) {
                try (PrefixReuse reuse = PrefixReuse.open(path, config, Optional.of(cache))) {
                    float[] coldFirst = run(model, config, null, first);
                    // the first prompt seeds the cache
                    assertThat(run(model, config, reuse, first)).isEqualTo(coldFirst);
                    float[] warmSecond = run(model, config, reuse, second);
                    assertThat(lastReused).isEqualTo(shared.length / BLOCK * BLOCK).isPositive();
                    assertThat(bits(warmSecond)).isEqualTo(bits(run(model, config, null, second)));
                    // the same prompt again: everything but the last token's block is reused
                    float[] warmFirst = run(model, config, reuse, first);
                    assertThat(lastReused).isEqualTo((first.length - 1) / BLOCK * BLOCK);
                    assertThat(bits(warmFirst)).isEqualTo(bits(coldFirst));
                }
            }
        }
    }

    private int lastReused;

    /** Prefills {@code prompt} (reusing what {@code reuse} has, when given) and returns the last position's logits. */
    private float[] run(TransformerModel model, ModelConfig config, PrefixReuse reuse, int[] prompt) {
        KvCache cache = model.newKvCache(512);
        ForwardState state = model.newState(512);
        int start = 0;
        PrefixReuse.Start begun = reuse == null ? null : reuse.begin(prompt, CacheControl.defaults(), cache);
        try {
            if (begun != null) {
                start = begun.reusedTokens;
            }
            lastReused = start;
            for (int position = start; position < prompt.length; position++) {
                model.forward(prompt[position], position, cache, state, pool, position == prompt.length - 1);
            }
            if (reuse != null) {
                reuse.remember(prompt, cache, CacheControl.defaults(), 0);
            }
        } finally {
            if (begun != null) {
                begun.close();
            }
        }
        return state.logits().clone();
    }

    private static int[] bits(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }

    private static int[] concat(int[] a, int[] b) {
        int[] joined = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }
}
