package dev.hearth.local.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the shared test models ({@code ../shared/models} beside the checkout, or the directory named by the
 * {@code hearth.shared.models} system property). A test whose data is missing fails with a message saying where it
 * looked; it never skips.
 */
public final class SharedModels {
    private SharedModels() {
    }

    public static Path root() {
        String configured = System.getProperty("hearth.shared.models");
        Path root = configured != null ? Path.of(configured) : Path.of("..", "..", "shared", "models");
        return root.toAbsolutePath().normalize();
    }

    public static Path file(String relative) {
        Path path = root().resolve(relative);
        if (!Files.isRegularFile(path)) {
            throw new AssertionError("Test data " + relative + " not found at " + path
                    + ": lay shared/ beside the checkout (as CI does) or set -Dhearth.shared.models");
        }
        return path;
    }

    /** A directory of the shared models, e.g. {@code onnx/tiny-random-gpt2-fp32}. */
    public static Path directory(String relative) {
        Path path = root().resolve(relative);
        if (!Files.isDirectory(path)) {
            throw new AssertionError("Test data directory " + relative + " not found at " + path
                    + ": lay shared/ beside the checkout (as CI does) or set -Dhearth.shared.models");
        }
        return path;
    }

    public static Path tinyGpt2Onnx() {
        file("onnx/tiny-random-gpt2-fp32/past.onnx");
        return directory("onnx/tiny-random-gpt2-fp32");
    }

    public static Path tinyLlamaOnnxFp16() {
        file("onnx/tiny-random-LlamaForCausalLM-fp16/model.onnx");
        file("onnx/tiny-random-LlamaForCausalLM-fp16/model.onnx.data");
        file("onnx/tiny-random-LlamaForCausalLM-fp16/tokenizer.json");
        return directory("onnx/tiny-random-LlamaForCausalLM-fp16");
    }

    public static Path stories260K() {
        return file("gguf/stories260K.gguf");
    }
}
