package dev.hearth.remote.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.api.Embedding;
import dev.hearth.api.EmbeddingRequest;
import dev.hearth.api.EmbeddingResponse;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Ollama's embeddings, in both of its shapes: {@code POST /api/embed} ({@code input}, a string or strings, answered
 * with {@code embeddings}) and the older {@code POST /api/embeddings} ({@code prompt}, answered with one
 * {@code embedding}). A model whose runtime computes no embeddings gets a 400 saying so.
 */
final class OllamaEmbedEndpoint {
    private final ServerContext context;

    OllamaEmbedEndpoint(ServerContext context) {
        this.context = context;
    }

    void embed(Exchange exchange) throws IOException {
        ObjectNode body = exchange.body();
        String model = embeddingModel(body);
        JsonNode input = body.get("input");
        List<String> inputs = new ArrayList<>();
        if (input != null && input.isTextual()) {
            inputs.add(input.asText());
        } else if (input != null && input.isArray() && !input.isEmpty()) {
            for (JsonNode item : input) {
                if (!item.isTextual()) {
                    throw ApiError.invalidParam("input", "'input' must be a string or an array of strings");
                }
                inputs.add(item.asText());
            }
        } else {
            throw ApiError.invalidParam("input", "'input' must be a non-empty string or array of strings");
        }
        EmbeddingResponse response = context.catalog().client().embed(EmbeddingRequest.of(inputs).withModel(model));
        ObjectNode answer = Json.object();
        answer.put("model", model);
        ArrayNode embeddings = answer.putArray("embeddings");
        for (Embedding embedding : response.embeddings()) {
            vector(embeddings.addArray(), embedding.vector());
        }
        answer.put("total_duration", response.timings().total().toNanos());
        answer.put("load_duration", 0);
        answer.put("prompt_eval_count", response.usage().promptTokens());
        exchange.json(200, answer);
    }

    void embeddings(Exchange exchange) throws IOException {
        ObjectNode body = exchange.body();
        String model = embeddingModel(body);
        String prompt = Json.requiredText(body, "prompt");
        EmbeddingResponse response = context.catalog().client().embed(EmbeddingRequest.of(prompt).withModel(model));
        ObjectNode answer = Json.object();
        vector(answer.putArray("embedding"), response.vector(0));
        exchange.json(200, answer);
    }

    private String embeddingModel(ObjectNode body) {
        String model = context.catalog().resolve(Json.requiredText(body, "model"));
        boolean embeds = context.catalog().client().embeddingRuntimes().stream().anyMatch(r -> r.models().contains(model));
        if (!embeds) {
            throw ApiError.invalidParam("model", "The model '" + model + "' does not support embeddings.");
        }
        return model;
    }

    private static void vector(ArrayNode values, float[] vector) {
        for (float value : vector) {
            values.add(value);
        }
    }
}
