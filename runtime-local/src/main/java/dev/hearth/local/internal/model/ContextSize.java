package dev.hearth.local.internal.model;

import dev.hearth.api.ConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/**
 * How many positions of context a model is opened with: the caller's {@code contextLength}, or by default the
 * context the file says the model was trained for, bounded by memory. A file may declare millions of positions; the
 * key/value cache of those would not fit the JVM's heap (where it lives), so the default shrinks to the largest power
 * of two whose cache fits in half the maximum heap, and an explicit length whose cache cannot fit is refused up front,
 * naming the number, rather than failing with an {@link OutOfMemoryError} deep into a long conversation.
 */
public final class ContextSize {
    private static final Logger LOG = LoggerFactory.getLogger(ContextSize.class);
    /** Positions below which the default is never shrunk: a model that cannot hold this much is unusable anyway. */
    private static final int MINIMUM_DEFAULT = 256;

    private ContextSize() {
    }

    /**
     * @param requested the caller's context length, 0 for the default
     * @param layers    the layers whose keys and values this process keeps
     * @param model     the model's file name, for messages
     * @throws ConfigurationException if {@code requested} exceeds the trained context or its cache cannot fit
     */
    public static int resolve(int requested, ModelConfig config, int layers, String model) {
        return resolve(requested, config, layers, model, Runtime.getRuntime().maxMemory());
    }

    static int resolve(int requested, ModelConfig config, int layers, String model, long maxHeap) {
        int trained = config.trainedContextLength();
        if (requested < 0 || requested > trained) {
            throw new ConfigurationException("contextLength " + requested + " must be between 1 and the " + trained
                    + " tokens " + model + " was trained for");
        }
        long bytesPerPosition = 2L * Float.BYTES * layers * config.kvDimension();
        // one layer's keys are one float array, which Java caps just below 2^31 elements
        long arrayLimit = (Integer.MAX_VALUE - 8L) / config.kvDimension();
        if (requested > 0) {
            long needed = bytesPerPosition * requested;
            if (requested > arrayLimit || needed > maxHeap) {
                throw new ConfigurationException(String.format(Locale.ROOT, "contextLength %d needs %s of key/value "
                        + "cache for %d layers of %s, more than this JVM's maximum heap of %s; set a smaller "
                        + "contextLength or raise -Xmx", requested, gib(needed), layers, model, gib(maxHeap)));
            }
            return requested;
        }
        long fits = Math.min(arrayLimit, maxHeap / 2 / bytesPerPosition);
        if (trained <= fits) {
            return trained;
        }
        int chosen = (int) Math.max(Math.min(trained, MINIMUM_DEFAULT), Long.highestOneBit(Math.max(1, fits)));
        LOG.info("{} declares a context of {} tokens, whose key/value cache ({}) would not fit in half of this JVM's "
                        + "maximum heap ({}); opening it with {} tokens. Set contextLength to choose another size.",
                model, trained, gib(bytesPerPosition * trained), gib(maxHeap), chosen);
        return chosen;
    }

    private static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
    }
}
