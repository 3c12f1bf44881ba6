package dev.hearth.remote.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.api.spi.RuntimeInfo;

import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * The model lists: {@code GET /v1/models} and {@code GET /v1/models/{id}} (OpenAI, or Anthropic's shape when the
 * request comes from an Anthropic client) ({@link OllamaModelsEndpoint} lists them for Ollama).
 */
final class ModelsEndpoint {
    private final ModelCatalog catalog;
    private final long startedAt = Ids.nowSeconds();

    ModelsEndpoint(ModelCatalog catalog) {
        this.catalog = catalog;
    }

    void list(Exchange exchange) throws IOException {
        if (fromAnthropicClient(exchange)) {
            anthropicList(exchange);
            return;
        }
        ObjectNode list = Json.object();
        list.put("object", "list");
        ArrayNode data = list.putArray("data");
        for (String model : catalog.models()) {
            data.add(openAiModel(model));
        }
        exchange.json(200, list);
    }

    void one(Exchange exchange) throws IOException {
        String id = exchange.path().substring("/v1/models/".length());
        if (catalog.runtimeOf(id) == null) {
            throw ApiError.modelNotFound(id, catalog.models());
        }
        exchange.json(200, fromAnthropicClient(exchange) ? anthropicModel(id) : openAiModel(id));
    }

    /**
     * Both APIs list models at {@code /v1/models} in different shapes; Anthropic's SDKs send {@code anthropic-version}
     * on every request (and their key as {@code x-api-key}), which OpenAI clients never do.
     */
    private static boolean fromAnthropicClient(Exchange exchange) {
        return exchange.header("anthropic-version") != null
                || exchange.header("x-api-key") != null && exchange.header("authorization") == null;
    }

    /** Anthropic's page of models; the node has few, so the first page is the whole list. */
    private void anthropicList(Exchange exchange) throws IOException {
        ObjectNode page = Json.object();
        ArrayNode data = page.putArray("data");
        List<String> models = catalog.models();
        for (String model : models) {
            data.add(anthropicModel(model));
        }
        page.put("has_more", false);
        page.put("first_id", models.getFirst());
        page.put("last_id", models.getLast());
        exchange.json(200, page);
    }

    private ObjectNode anthropicModel(String model) {
        ObjectNode node = Json.object();
        node.put("type", "model");
        node.put("id", model);
        node.put("display_name", model);
        node.put("created_at", Instant.ofEpochSecond(startedAt).toString());
        node.put("lifecycle", "active");
        RuntimeInfo runtime = catalog.runtimeOf(model);
        if (runtime != null && runtime.contextLength() > 0) {
            node.put("max_input_tokens", runtime.contextLength());
        }
        return node;
    }

    private ObjectNode openAiModel(String model) {
        ObjectNode node = Json.object();
        node.put("id", model);
        node.put("object", "model");
        node.put("created", startedAt);
        RuntimeInfo runtime = catalog.runtimeOf(model);
        node.put("owned_by", runtime == null ? "hearth" : runtime.name());
        return node;
    }
}
