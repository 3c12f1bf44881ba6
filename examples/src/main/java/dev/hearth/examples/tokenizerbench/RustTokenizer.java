package dev.hearth.examples.tokenizerbench;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Hugging Face's Rust tokenizer through DJL, set up so that it never touches the network: DJL reports usage to a
 * remote address unless {@code OPT_OUT_TRACKING=true} (environment variable or system property) and
 * {@code ai.djl.offline=true}, so both system properties are set before DJL loads, and the environment variable is
 * checked and its absence reported. DJL unpacks its native library under {@code DJL_CACHE_DIR}.
 */
public final class RustTokenizer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RustTokenizer.class);

    private final HuggingFaceTokenizer tokenizer;

    private RustTokenizer(HuggingFaceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** Sets DJL's offline and no-tracking properties and its cache directory (unless already configured). */
    public static void configureDjlOffline(Path cacheDirectory) {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
        if (System.getProperty("DJL_CACHE_DIR") == null && System.getenv("DJL_CACHE_DIR") == null) {
            System.setProperty("DJL_CACHE_DIR", cacheDirectory.toString());
        }
        if (!"true".equalsIgnoreCase(System.getenv("OPT_OUT_TRACKING"))) {
            LOG.debug("OPT_OUT_TRACKING is not set in the environment; the system property stands in for it");
        }
    }

    /** Loads a {@code tokenizer.json} without adding special tokens, truncating or padding. */
    public static RustTokenizer open(Path tokenizerJson, Path djlCacheDirectory) {
        configureDjlOffline(djlCacheDirectory);
        try {
            return new RustTokenizer(HuggingFaceTokenizer.newInstance(tokenizerJson, Map.of(
                    "addSpecialTokens", "false", "truncation", "false", "padding", "false")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load " + tokenizerJson, e);
        }
    }

    /** The ids of one text, without added special tokens. */
    public long[] encode(String text) {
        return tokenizer.encode(text, false, false).getIds();
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
