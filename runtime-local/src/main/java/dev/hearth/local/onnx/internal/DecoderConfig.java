package dev.hearth.local.onnx.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.api.ModelFormatException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * What a decoder's side files say about it: the tokens that end an answer and the trained context length. Read from
 * onnxruntime-genai's {@code genai_config.json} first, then HF {@code generation_config.json} and {@code config.json};
 * absent files are fine, malformed ones are an error.
 *
 * @param endTokens     ids that end generation (empty when no file names one)
 * @param contextLength the trained context length, or 0 when unknown
 */
record DecoderConfig(Set<Integer> endTokens, int contextLength) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static DecoderConfig read(Path directory) {
        Set<Integer> ends = new LinkedHashSet<>();
        int context = 0;
        Optional<JsonNode> genai = json(directory.resolve("genai_config.json"));
        if (genai.isPresent()) {
            JsonNode model = genai.get().path("model");
            addIds(model.path("eos_token_id"), ends);
            context = model.path("context_length").asInt(0);
        }
        Optional<JsonNode> generation = json(directory.resolve("generation_config.json"));
        if (ends.isEmpty() && generation.isPresent()) {
            addIds(generation.get().path("eos_token_id"), ends);
        }
        Optional<JsonNode> config = json(directory.resolve("config.json"));
        if (config.isPresent()) {
            if (ends.isEmpty()) {
                addIds(config.get().path("eos_token_id"), ends);
            }
            if (context == 0) {
                context = config.get().path("max_position_embeddings").asInt(config.get().path("n_positions").asInt(0));
            }
        }
        return new DecoderConfig(Set.copyOf(ends), Math.max(context, 0));
    }

    private static void addIds(JsonNode node, Set<Integer> ids) {
        if (node.isInt()) {
            ids.add(node.asInt());
        } else if (node.isArray()) {
            node.forEach(element -> {
                if (element.isInt()) {
                    ids.add(element.asInt());
                }
            });
        }
    }

    private static Optional<JsonNode> json(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readTree(file.toFile()));
        } catch (IOException e) {
            throw new ModelFormatException(file.toString(), -1, "not valid JSON: " + e.getMessage(), e);
        }
    }
}
