package dev.hearth.remote.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.api.Embedding;
import dev.hearth.api.EmbeddingRequest;
import dev.hearth.api.EmbeddingResponse;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * {@code POST /v1/embeddings} (OpenAI): {@code input} as one string or an array of strings, {@code encoding_format}
 * {@code float} (default) or {@code base64} (little-endian float32, as OpenAI sends it). A model whose runtime computes
 * no embeddings gets OpenAI's 400 error shape. Token-id inputs and {@code dimensions} other than the model's own are
 * refused rather than ignored.
 */
final class EmbeddingsEndpoint implements Endpoint {
    private final ServerContext context;

    EmbeddingsEndpoint(ServerContext context) {
        this.context = context;
    }

    @Override
    public void handle(Exchange exchange) throws IOException {
        ObjectNode body = exchange.body();
        String model = context.catalog().resolve(Json.text(body, "model"));
        List<String> inputs = inputs(body);
        String format = Json.present(body, "encoding_format") ? Json.text(body, "encoding_format") : "float";
        if (!format.equals("float") && !format.equals("base64")) {
            throw ApiError.invalidParam("encoding_format", "'encoding_format' must be 'float' or 'base64', was '" + format + "'");
        }

        boolean embeds = context.catalog().client().embeddingRuntimes().stream().anyMatch(r -> r.models().contains(model));
        if (!embeds) {
            throw ApiError.of(ApiError.Kind.INVALID_REQUEST, "The model '" + model + "' does not support embeddings.",
                    "model_not_supported");
        }
        EmbeddingResponse response = context.catalog().client().embed(EmbeddingRequest.of(inputs).withModel(model));

        if (Json.present(body, "dimensions")) {
            int dimensions = body.get("dimensions").asInt();
            int nativeDimensions = response.embeddings().getFirst().dimensions();
            if (dimensions != nativeDimensions) {
                throw ApiError.invalidParam("dimensions", "model '" + model + "' produces " + nativeDimensions
                        + "-dimensional embeddings and cannot shorten them; omit 'dimensions' or pass " + nativeDimensions);
            }
        }
        ObjectNode answer = Json.object();
        answer.put("object", "list");
        ArrayNode data = answer.putArray("data");
        for (Embedding embedding : response.embeddings()) {
            ObjectNode item = data.addObject();
            item.put("object", "embedding");
            item.put("index", embedding.index());
            float[] vector = embedding.vector();
            if (format.equals("base64")) {
                ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                bytes.asFloatBuffer().put(vector);
                item.put("embedding", Base64.getEncoder().encodeToString(bytes.array()));
            } else {
                ArrayNode values = item.putArray("embedding");
                for (float value : vector) {
                    values.add(value);
                }
            }
        }
        answer.put("model", model);
        ObjectNode usage = answer.putObject("usage");
        usage.put("prompt_tokens", response.usage().promptTokens());
        usage.put("total_tokens", response.usage().promptTokens());
        exchange.json(200, answer);
    }

    private static List<String> inputs(ObjectNode body) {
        if (!Json.present(body, "input")) {
            throw ApiError.invalidParam("input", "'input' is required");
        }
        JsonNode input = body.get("input");
        List<String> texts = new ArrayList<>();
        if (input.isTextual()) {
            texts.add(input.asText());
        } else if (input.isArray() && !input.isEmpty()) {
            for (JsonNode item : input) {
                if (!item.isTextual()) {
                    throw ApiError.invalidParam("input", "'input' must be a string or an array of strings; token-id inputs are not supported");
                }
                texts.add(item.asText());
            }
        } else {
            throw ApiError.invalidParam("input", "'input' must be a non-empty string or array of strings");
        }
        return texts;
    }
}
