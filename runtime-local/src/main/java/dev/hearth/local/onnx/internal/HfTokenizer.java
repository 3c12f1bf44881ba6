package dev.hearth.local.onnx.internal;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.hearth.api.ModelLoadException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * A HuggingFace {@code tokenizer.json} run by DJL's tokenizers library. DJL is put in offline mode before it loads:
 * otherwise it reports usage to a remote address on first use.
 */
public final class HfTokenizer implements AutoCloseable {
    static {
        keepDjlOffline();
    }

    private final HuggingFaceTokenizer tokenizer;

    private HfTokenizer(HuggingFaceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /**
     * Sets {@code ai.djl.offline=true} and (unless already set) {@code OPT_OUT_TRACKING=true} as system properties.
     * DJL reads the environment variable first and this property second, so an explicit environment wins.
     */
    public static void keepDjlOffline() {
        System.setProperty("ai.djl.offline", "true");
        if (System.getProperty("OPT_OUT_TRACKING") == null) {
            System.setProperty("OPT_OUT_TRACKING", "true");
        }
    }

    /**
     * Opens {@code tokenizer.json} for generation: special tokens added as the file says, no padding, no truncation
     * (the runtime checks the context length itself).
     */
    static HfTokenizer forGeneration(Path tokenizerJson) {
        return open(tokenizerJson, Map.of("padding", "false", "truncation", "false", "addSpecialTokens", "true"));
    }

    /** Opens a tokenizer for an encoder: truncated to {@code maxTokens}, not padded (batches are padded by the caller). */
    static HfTokenizer forEncoder(Path tokenizerJson, int maxTokens) {
        return open(tokenizerJson, encoderOptions(maxTokens));
    }

    static HfTokenizer forEncoder(InputStream tokenizerJson, String source, int maxTokens) {
        try {
            return new HfTokenizer(HuggingFaceTokenizer.newInstance(tokenizerJson, encoderOptions(maxTokens)));
        } catch (IOException | RuntimeException e) {
            throw new ModelLoadException("Cannot read the tokenizer " + source + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, String> encoderOptions(int maxTokens) {
        return Map.of("padding", "false", "truncation", "true", "maxLength", Integer.toString(maxTokens),
                "addSpecialTokens", "true");
    }

    private static HfTokenizer open(Path tokenizerJson, Map<String, String> options) {
        try {
            return new HfTokenizer(HuggingFaceTokenizer.newInstance(tokenizerJson, options));
        } catch (IOException | RuntimeException e) {
            throw new ModelLoadException("Cannot read the tokenizer " + tokenizerJson + ": " + e.getMessage(), e);
        }
    }

    /** Token ids of {@code text}, with the special tokens the tokenizer's post-processor adds (e.g. BOS, CLS/SEP). */
    long[] encode(String text) {
        Encoding encoding = tokenizer.encode(text, true, false);
        return encoding.getIds();
    }

    /** The text of {@code ids}, special tokens left out. */
    String decode(long[] ids) {
        return tokenizer.decode(ids, true);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
