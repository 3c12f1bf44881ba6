package dev.hearth.local;

import java.nio.file.Path;

/**
 * Entry point for local GGUF models:
 *
 * <pre>{@code
 * InferenceClient client = InferenceClient.builder()
 *         .runtime(Gguf.model(Path.of("stories260K.gguf")).threads(2).contextLength(1024))
 *         .build();
 * }</pre>
 */
public final class Gguf {
    private Gguf() {
    }

    /** A spec for the GGUF file at {@code path}; the file is opened when the client is built. */
    public static GgufModelSpec model(Path path) {
        return new GgufModelSpec(path);
    }
}
