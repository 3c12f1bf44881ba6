package dev.hearth.remote.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.api.GenerationOptions;
import dev.hearth.api.spi.ModelFile;
import dev.hearth.api.spi.RuntimeInfo;

import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Ollama's model calls: {@code GET /api/tags} (the list), {@code POST /api/show} (one model's template, parameters
 * and GGUF metadata), {@code GET /api/ps} (the loaded models: every served model stays loaded) and
 * {@code GET /api/version}. A model's size, digest and details come from its file; a runtime that reads no local
 * file (a remote API) leaves them out rather than inventing them.
 */
final class OllamaModelsEndpoint {
    private final ServerContext context;
    private final FileDigests digests = new FileDigests();
    private final String modifiedAt = Instant.ofEpochSecond(Ids.nowSeconds()).toString();

    OllamaModelsEndpoint(ServerContext context) {
        this.context = context;
        // hashing a multi-gigabyte file takes seconds: start now, so the first listing rarely waits for it
        for (String model : context.catalog().models()) {
            context.catalog().client().modelFile(model).ifPresent(file -> digests.of(file.path()));
        }
    }

    void tags(Exchange exchange) throws IOException {
        ObjectNode tags = Json.object();
        ArrayNode models = tags.putArray("models");
        for (String model : context.catalog().models()) {
            ObjectNode node = models.addObject();
            node.put("name", model);
            node.put("model", model);
            node.put("modified_at", modifiedAt);
            describe(node, model);
        }
        exchange.json(200, tags);
    }

    void ps(Exchange exchange) throws IOException {
        ObjectNode ps = Json.object();
        ArrayNode models = ps.putArray("models");
        for (String model : context.catalog().models()) {
            ObjectNode node = models.addObject();
            node.put("name", model);
            node.put("model", model);
            describe(node, model);
            node.put("size_vram", 0); // computed on the CPU
            RuntimeInfo runtime = context.catalog().runtimeOf(model);
            if (runtime != null && runtime.contextLength() > 0) {
                node.put("context_length", runtime.contextLength());
            }
        }
        exchange.json(200, ps);
    }

    void version(Exchange exchange) throws IOException {
        String version = NodeServer.class.getPackage().getImplementationVersion();
        exchange.json(200, Json.object().put("version", version == null ? "0.0.0-dev" : version));
    }

    void show(Exchange exchange) throws IOException {
        ObjectNode body = exchange.body();
        String requested = Json.text(body, "model");
        if (requested == null) {
            requested = Json.text(body, "name"); // older clients send the model as "name"
        }
        if (requested == null) {
            throw ApiError.invalidParam("model", "'model' is required");
        }
        String model = context.catalog().resolve(requested);
        Optional<ModelFile> file = context.catalog().client().modelFile(model);
        ObjectNode show = Json.object();
        show.put("license", "");
        show.put("modelfile", file.map(f -> "FROM " + f.path() + "\n").orElse("") + parameters());
        show.put("parameters", parameters());
        show.put("template", file.map(f -> f.metadata().get("tokenizer.chat_template")).map(String::valueOf).orElse(""));
        show.put("modified_at", modifiedAt);
        ObjectNode info = show.putObject("model_info");
        file.ifPresent(f -> {
            for (Map.Entry<String, Object> entry : f.metadata().entrySet()) {
                if (!entry.getKey().equals("tokenizer.chat_template")) {
                    info.putPOJO(entry.getKey(), entry.getValue());
                }
            }
            info.put("general.parameter_count", f.parameterCount());
        });
        show.set("details", OllamaFormat.details(file));
        ArrayNode capabilities = show.putArray("capabilities");
        boolean embeds = context.catalog().client().embeddingRuntimes().stream().anyMatch(r -> r.models().contains(model));
        if (embeds) {
            capabilities.add("embedding");
        } else {
            capabilities.add("completion");
        }
        exchange.json(200, show);
    }

    /** The node's default sampling options in Ollama's {@code PARAMETER} notation. */
    private String parameters() {
        GenerationOptions defaults = context.defaults();
        StringBuilder text = new StringBuilder();
        text.append("temperature ").append(defaults.temperature()).append('\n');
        text.append("top_k ").append(defaults.topK()).append('\n');
        text.append("top_p ").append(defaults.topP()).append('\n');
        text.append("min_p ").append(defaults.minP()).append('\n');
        text.append("repeat_penalty ").append(defaults.repetitionPenalty()).append('\n');
        for (String stop : defaults.stopSequences()) {
            text.append("stop \"").append(stop.replace("\"", "\\\"")).append("\"\n");
        }
        return text.toString();
    }

    /** Size, digest and details from the model's file, when it has one. */
    private void describe(ObjectNode node, String model) {
        Optional<ModelFile> file = context.catalog().client().modelFile(model);
        file.ifPresent(f -> {
            node.put("size", f.sizeBytes());
            String digest = digests.await(f.path());
            if (digest != null) {
                node.put("digest", digest);
            }
        });
        node.set("details", OllamaFormat.details(file));
    }
}
