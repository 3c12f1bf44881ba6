package dev.hearth.local;

import java.net.URI;
import java.util.Objects;

/**
 * A model file with a public upstream address and the sha256 that identifies its exact bytes, so it can be fetched
 * once into a cache and verified. {@link #STORIES_260K} is the default model of the examples.
 */
public record KnownModel(String fileName, URI url, String sha256, long size) {

    /** Karpathy's TinyStories llama (260K parameters, F32), llama.cpp's own CI model. */
    public static final KnownModel STORIES_260K = new KnownModel("stories260K.gguf",
            URI.create("https://huggingface.co/ggml-org/models-moved/resolve/main/tinyllamas/stories260K.gguf"),
            "270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d", 1_185_376);

    public KnownModel {
        Objects.requireNonNull(fileName, "fileName");
        Objects.requireNonNull(url, "url");
        if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("sha256 must be 64 lowercase hex digits, was " + sha256);
        }
    }
}
