package dev.hearth.api.spi;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * The file a runtime serves its model from, described for tools that list models (Ollama's {@code tags},
 * {@code show} and {@code ps}). Only runtimes that read a local file have one.
 *
 * @param path           the model file
 * @param sizeBytes      its size in bytes
 * @param format         its format, e.g. {@code gguf}
 * @param metadata       the file's scalar metadata (strings, numbers, booleans) by key; arrays such as vocabularies
 *                       are left out
 * @param parameterCount the weights in the file
 * @param quantization   how the weights are stored, e.g. {@code Q4_K_M} or {@code F16}
 */
public record ModelFile(Path path, long sizeBytes, String format, Map<String, Object> metadata, long parameterCount,
                        String quantization) {
    public ModelFile {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(quantization, "quantization");
        metadata = Map.copyOf(metadata);
        if (sizeBytes < 0 || parameterCount < 0) {
            throw new IllegalArgumentException("sizeBytes and parameterCount must be >= 0");
        }
    }
}
