package dev.hearth.remote.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.api.spi.RuntimeInfo;

import java.io.IOException;
import java.time.Instant;

/**
 * The model lists: {@code GET /v1/models} and {@code GET /v1/models/{id}} (OpenAI), {@code GET /api/tags} (Ollama).
 */
final class ModelsEndpoint {
    private final ModelCatalog catalog;
    private final long startedAt = Ids.nowSeconds();

    ModelsEndpoint(ModelCatalog catalog) {
        this.catalog = catalog;
    }

    void list(Exchange exchange) throws IOException {
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
        exchange.json(200, openAiModel(id));
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

    void tags(Exchange exchange) throws IOException {
        ObjectNode tags = Json.object();
        ArrayNode models = tags.putArray("models");
        String modifiedAt = Instant.ofEpochSecond(startedAt).toString();
        for (String model : catalog.models()) {
            RuntimeInfo runtime = catalog.runtimeOf(model);
            ObjectNode node = models.addObject();
            node.put("name", model);
            node.put("model", model);
            node.put("modified_at", modifiedAt);
            // Hearth serves models through runtimes that do not expose file sizes or digests
            node.put("size", 0);
            node.put("digest", "");
            ObjectNode details = node.putObject("details");
            details.put("format", runtime != null && runtime.name().contains("gguf") ? "gguf" : "");
            details.put("family", "");
            details.putNull("families");
            details.put("parameter_size", "");
            details.put("quantization_level", "");
            details.put("runtime", runtime == null ? "" : runtime.name());
            details.put("context_length", runtime == null ? 0 : runtime.contextLength());
        }
        exchange.json(200, tags);
    }
}
