package dev.hearth.remote.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.api.ChatResponse;
import dev.hearth.api.FinishReason;
import dev.hearth.api.GenerationOptions;
import dev.hearth.api.ResponseFormat;
import dev.hearth.api.spi.ModelFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** What the Ollama endpoints share: the {@code options} object, the final statistics and the request checks. */
final class OllamaFormat {
    private static final Logger LOG = LoggerFactory.getLogger(OllamaFormat.class);
    /** Options that tune Ollama's own loader or hardware use: meaningless here, accepted and ignored as Ollama does. */
    private static final Set<String> IGNORED = Set.of("num_ctx", "num_batch", "num_gpu", "main_gpu", "num_thread",
            "use_mmap", "use_mlock", "numa", "num_keep", "low_vram", "vocab_only", "penalize_newline");

    private OllamaFormat() {
    }

    static GenerationOptions options(ObjectNode body, GenerationOptions defaults) {
        GenerationOptions.Builder options = defaults.toBuilder().responseFormat(responseFormat(body));
        ObjectNode given = Json.object(body, "options");
        if (given == null) {
            return ApiError.buildOptions(options, WIRE_NAMES);
        }
        Integer numPredict = Json.tokenLimit(given, "num_predict");
        if (numPredict != null) {
            // Ollama: -1 generates without limit, -2 until the context is full; both mean no token limit here
            options.maxTokens(numPredict < 0 ? GenerationOptions.UNLIMITED : numPredict);
        }
        Double temperature = Json.number(given, "temperature");
        if (temperature != null) {
            options.temperature(temperature);
        }
        Integer topK = Json.integer(given, "top_k");
        if (topK != null) {
            options.topK(topK);
        }
        Double topP = Json.number(given, "top_p");
        if (topP != null) {
            options.topP(topP);
        }
        Double minP = Json.number(given, "min_p");
        if (minP != null) {
            options.minP(minP);
        }
        Long seed = Json.longInteger(given, "seed");
        if (seed != null) {
            options.seed(seed);
        }
        Double repeatPenalty = Json.number(given, "repeat_penalty");
        if (repeatPenalty != null) {
            options.repetitionPenalty(repeatPenalty);
        }
        Integer repeatLastN = Json.integer(given, "repeat_last_n");
        if (repeatLastN != null && repeatLastN >= 0) {
            options.repetitionWindow(repeatLastN);
        }
        if (Json.present(given, "stop")) {
            options.stopSequences(Json.stringOrStrings(given, "stop"));
        }
        Double frequency = Json.number(given, "frequency_penalty");
        if (frequency != null) {
            options.frequencyPenalty(frequency);
        }
        Double presence = Json.number(given, "presence_penalty");
        if (presence != null) {
            options.presencePenalty(presence);
        }
        given.fieldNames().forEachRemaining(name -> {
            if (IGNORED.contains(name)) {
                LOG.debug("Ignoring Ollama option {}: it tunes Ollama's own loader", name);
            }
        });
        return ApiError.buildOptions(options, WIRE_NAMES);
    }

    /** The Ollama option behind each option field, for errors that must name what the client sent. */
    private static final Map<String, String> WIRE_NAMES = Map.ofEntries(Map.entry("maxTokens", "options.num_predict"),
            Map.entry("temperature", "options.temperature"), Map.entry("topK", "options.top_k"),
            Map.entry("topP", "options.top_p"), Map.entry("minP", "options.min_p"), Map.entry("seed", "options.seed"),
            Map.entry("repetitionPenalty", "options.repeat_penalty"), Map.entry("repetitionWindow", "options.repeat_last_n"),
            Map.entry("stopSequences", "options.stop"), Map.entry("frequencyPenalty", "options.frequency_penalty"),
            Map.entry("presencePenalty", "options.presence_penalty"));

    /**
     * Ollama's {@code format}: {@code "json"} for any JSON object, or a JSON Schema object. A runtime that cannot
     * constrain its output refuses the request, which becomes a 400.
     */
    static ResponseFormat responseFormat(ObjectNode body) {
        JsonNode format = body.get("format");
        if (format == null || format.isNull() || format.isTextual() && format.asText().isEmpty()) {
            return ResponseFormat.text();
        }
        if (format.isTextual() && format.asText().equals("json")) {
            return ResponseFormat.json();
        }
        if (format.isObject()) {
            return ResponseFormat.jsonSchema("format", Json.write(format), true);
        }
        throw ApiError.invalidParam("format", "'format' must be \"json\" or a JSON Schema object, was "
                + Json.describe(format));
    }

    /** Refuses what this server cannot honour rather than silently answering something else. */
    static void rejectUnsupported(ObjectNode body) {
        JsonNode images = body.get("images");
        if (images != null && images.isArray() && !images.isEmpty()) {
            throw ApiError.invalidParam("images", "Image input is not supported by this server");
        }
    }

    static ObjectNode chunk(String model) {
        ObjectNode chunk = Json.object();
        chunk.put("model", model);
        chunk.put("created_at", Instant.now().toString());
        return chunk;
    }

    /** Marks a chunk as the last one and adds Ollama's statistics (durations in nanoseconds). */
    static void finish(ObjectNode chunk, ChatResponse response) {
        chunk.put("done", true);
        chunk.put("done_reason", response.finishReason() == FinishReason.LENGTH
                || response.finishReason() == FinishReason.CONTEXT_FULL ? "length" : "stop");
        chunk.put("total_duration", response.timings().total().toNanos());
        chunk.put("load_duration", 0);
        chunk.put("prompt_eval_count", response.usage().promptTokens());
        chunk.put("prompt_eval_duration", response.timings().prefill().toNanos());
        chunk.put("eval_count", response.usage().completionTokens());
        chunk.put("eval_duration", response.timings().decode().toNanos());
    }

    /**
     * A model's {@code details}: format, family (the GGUF's {@code general.architecture}), parameter size and
     * quantization level, from its file; without a file, only what is known (nothing).
     */
    static ObjectNode details(Optional<ModelFile> file) {
        ObjectNode details = Json.object();
        details.put("parent_model", "");
        file.ifPresent(f -> {
            details.put("format", f.format());
            Object architecture = f.metadata().get("general.architecture");
            if (architecture != null) {
                details.put("family", architecture.toString());
                details.putArray("families").add(architecture.toString());
            }
            Object label = f.metadata().get("general.size_label");
            details.put("parameter_size", label != null ? label.toString() : parameterSize(f.parameterCount()));
            details.put("quantization_level", f.quantization());
        });
        return details;
    }

    /** Ollama's way of writing a parameter count: {@code 8.0B}, {@code 135M}, {@code 260K}. */
    static String parameterSize(long parameters) {
        if (parameters >= 1_000_000_000L) {
            return String.format(java.util.Locale.ROOT, "%.1fB", parameters / 1e9);
        }
        if (parameters >= 1_000_000L) {
            return String.format(java.util.Locale.ROOT, "%.0fM", parameters / 1e6);
        }
        return String.format(java.util.Locale.ROOT, "%.0fK", parameters / 1e3);
    }

    static String line(JsonNode node) {
        return Json.write(node) + "\n";
    }
}
