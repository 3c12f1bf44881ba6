package dev.hearth.remote.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.api.FinishReason;
import dev.hearth.api.GenerationOptions;
import dev.hearth.api.Tool;
import dev.hearth.api.Usage;

import java.util.ArrayList;
import java.util.List;

/** What the OpenAI endpoints share: sampling fields, function tools, usage and finish reasons. */
final class OpenAiFormat {
    private OpenAiFormat() {
    }

    /**
     * Reads OpenAI's sampling fields on top of the server's defaults, plus the llama.cpp-server extensions
     * {@code top_k}, {@code min_p} and {@code repeat_penalty} that OpenAI-compatible clients send to local servers.
     * What cannot be honoured (additive penalties, log probabilities, several choices) is refused with a 400 rather
     * than silently ignored; the neutral values clients send by default (0, false, 1) are accepted.
     *
     * @param maxTokensFields the fields that may carry the token limit, most preferred first
     */
    static GenerationOptions options(ObjectNode body, GenerationOptions defaults, String... maxTokensFields) {
        GenerationOptions.Builder options = defaults.toBuilder();
        for (String field : maxTokensFields) {
            Integer maxTokens = Json.integer(body, field);
            if (maxTokens != null) {
                options.maxTokens(maxTokens);
                break;
            }
        }
        Double temperature = Json.number(body, "temperature");
        if (temperature != null) {
            options.temperature(temperature);
        }
        Double topP = Json.number(body, "top_p");
        if (topP != null) {
            options.topP(topP);
        }
        Integer topK = Json.integer(body, "top_k");
        if (topK != null) {
            options.topK(topK);
        }
        Double minP = Json.number(body, "min_p");
        if (minP != null) {
            options.minP(minP);
        }
        Double repeatPenalty = Json.number(body, "repeat_penalty");
        if (repeatPenalty != null) {
            options.repetitionPenalty(repeatPenalty);
        }
        Long seed = Json.longInteger(body, "seed");
        if (seed != null) {
            options.seed(seed);
        }
        if (Json.present(body, "stop")) {
            options.stopSequences(Json.stringOrStrings(body, "stop"));
        }
        for (String penalty : new String[]{"frequency_penalty", "presence_penalty"}) {
            Double value = Json.number(body, penalty);
            if (value != null && value != 0) {
                throw ApiError.invalidParam(penalty, "'" + penalty + "' is not supported by this server; use "
                        + "'repeat_penalty' (a multiplicative penalty, 1 disables it) instead");
            }
        }
        if (Json.bool(body, "logprobs", false)) {
            throw ApiError.invalidParam("logprobs", "This server does not return log probabilities; leave 'logprobs' unset");
        }
        Integer n = Json.integer(body, "n");
        if (n != null && n != 1) {
            throw ApiError.invalidParam("n", "This server generates one choice per request; 'n' must be 1, was " + n);
        }
        return options.build();
    }

    /** Chat Completions tools: {@code [{"type":"function","function":{"name","description","parameters"}}]}. */
    static List<Tool> chatTools(ObjectNode body) {
        ArrayNode tools = Json.array(body, "tools");
        if (tools == null || "none".equals(body.path("tool_choice").asText())) {
            return List.of();
        }
        List<Tool> result = new ArrayList<>();
        for (int i = 0; i < tools.size(); i++) {
            ObjectNode tool = Json.element(tools.get(i), "tools", i);
            String type = Json.text(tool, "type");
            if (type != null && !type.equals("function")) {
                throw ApiError.invalidParam("tools", "tools[" + i + "] has type '" + type + "'; only 'function' tools are supported");
            }
            ObjectNode function = Json.object(tool, "function");
            if (function == null) {
                throw ApiError.invalidParam("tools", "tools[" + i + "] needs a 'function' object");
            }
            result.add(tool(function, "parameters"));
        }
        return result;
    }

    /** A function definition with {@code name}, optional {@code description} and a JSON Schema under {@code schemaField}. */
    static Tool tool(ObjectNode function, String schemaField) {
        String name = Json.requiredText(function, "name");
        String description = Json.text(function, "description");
        JsonNode schema = function.get(schemaField);
        String schemaText = schema == null || schema.isNull() ? "{\"type\":\"object\",\"properties\":{}}" : Json.write(schema);
        // OpenAI's strict function calling: the local engine constrains such calls to the schema
        return new Tool(name, description == null ? "" : description, schemaText, Json.bool(function, "strict", false));
    }

    static String finishReason(FinishReason reason) {
        return switch (reason) {
            case STOP, STOP_SEQUENCE, CANCELLED -> "stop";
            case LENGTH, CONTEXT_FULL -> "length";
            case TOOL_CALLS -> "tool_calls";
        };
    }

    /** Chat Completions / Completions usage, with cached prompt tokens under {@code prompt_tokens_details}. */
    static ObjectNode usage(Usage usage) {
        ObjectNode node = Json.object();
        node.put("prompt_tokens", usage.promptTokens());
        node.put("completion_tokens", usage.completionTokens());
        node.put("total_tokens", usage.totalTokens());
        node.putObject("prompt_tokens_details").put("cached_tokens", usage.cachedPromptTokens());
        node.putObject("completion_tokens_details").put("reasoning_tokens", 0);
        return node;
    }

    /** One SSE event carrying only data, as Chat Completions and Completions stream. */
    static String data(JsonNode node) {
        return "data: " + Json.write(node) + "\n\n";
    }

    static final String DONE = "data: [DONE]\n\n";
}
