package dev.hearth.remote.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.api.FinishReason;
import dev.hearth.api.GenerationOptions;
import dev.hearth.api.TokenLogprob;
import dev.hearth.api.Tool;
import dev.hearth.api.ToolChoice;
import dev.hearth.api.Usage;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What the OpenAI endpoints share: sampling fields, function tools, usage and finish reasons. */
final class OpenAiFormat {
    private OpenAiFormat() {
    }

    /**
     * Reads OpenAI's sampling fields on top of the server's defaults, plus the llama.cpp-server extensions
     * {@code top_k}, {@code min_p} and {@code repeat_penalty} that OpenAI-compatible clients send to local servers.
     * OpenAI's {@code frequency_penalty}, {@code presence_penalty} and {@code logit_bias} (token ids of the served
     * model) are honoured; what cannot be (log probabilities outside Chat Completions, several choices) is refused
     * with a 400 rather than silently ignored; the neutral values clients send by default (0, false, 1) are accepted.
     *
     * @param maxTokensFields the fields that may carry the token limit, most preferred first
     */
    static GenerationOptions options(ObjectNode body, GenerationOptions defaults, String... maxTokensFields) {
        return options(body, defaults, false, maxTokensFields);
    }

    /**
     * Chat Completions' options: {@link #options} plus {@code logprobs} (true) with {@code top_logprobs} (0-20),
     * which the response then carries per token.
     */
    static GenerationOptions chatOptions(ObjectNode body, GenerationOptions defaults) {
        return options(body, defaults, true, "max_completion_tokens", "max_tokens");
    }

    private static GenerationOptions options(ObjectNode body, GenerationOptions defaults, boolean logprobsSupported,
                                             String... maxTokensFields) {
        GenerationOptions.Builder options = defaults.toBuilder();
        String maxTokensField = maxTokensFields[0];
        for (String field : maxTokensFields) {
            Integer maxTokens = Json.tokenLimit(body, field);
            if (maxTokens != null) {
                options.maxTokens(maxTokens);
                maxTokensField = field;
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
        Double frequency = Json.number(body, "frequency_penalty");
        if (frequency != null) {
            options.frequencyPenalty(frequency);
        }
        Double presence = Json.number(body, "presence_penalty");
        if (presence != null) {
            options.presencePenalty(presence);
        }
        ObjectNode bias = Json.object(body, "logit_bias");
        if (bias != null) {
            options.logitBias(logitBias(bias));
        }
        boolean logprobs = Json.bool(body, "logprobs", false);
        Integer topLogprobs = Json.integer(body, "top_logprobs");
        if (!logprobsSupported && logprobs) {
            throw ApiError.invalidParam("logprobs", "This endpoint does not return log probabilities; leave 'logprobs' "
                    + "unset (Chat Completions returns them)");
        }
        if (!logprobsSupported && topLogprobs != null && topLogprobs != 0) {
            throw ApiError.invalidParam("top_logprobs", "This endpoint does not return log probabilities; leave "
                    + "'top_logprobs' unset (Chat Completions returns them)");
        }
        if (topLogprobs != null && !logprobs) {
            throw ApiError.invalidParam("top_logprobs", "'top_logprobs' needs 'logprobs': true");
        }
        if (logprobs) {
            int top = topLogprobs == null ? 0 : topLogprobs;
            if (top < 0 || top > GenerationOptions.MAX_TOP_LOGPROBS) {
                throw ApiError.invalidParam("top_logprobs", "'top_logprobs' must be 0-" + GenerationOptions.MAX_TOP_LOGPROBS
                        + ", was " + top);
            }
            options.logprobs(top);
        }
        Integer n = Json.integer(body, "n");
        if (n != null && n != 1) {
            throw ApiError.invalidParam("n", "This server generates one choice per request; 'n' must be 1, was " + n);
        }
        Map<String, String> wireNames = new HashMap<>(WIRE_NAMES);
        wireNames.put("maxTokens", maxTokensField);
        return ApiError.buildOptions(options, wireNames);
    }

    /** The OpenAI parameter behind each option field, for errors that must name what the client sent. */
    private static final Map<String, String> WIRE_NAMES = Map.ofEntries(Map.entry("temperature", "temperature"),
            Map.entry("topK", "top_k"), Map.entry("topP", "top_p"), Map.entry("minP", "min_p"),
            Map.entry("repetitionPenalty", "repeat_penalty"), Map.entry("seed", "seed"), Map.entry("stopSequences", "stop"),
            Map.entry("logitBias", "logit_bias"), Map.entry("logprobs", "top_logprobs"),
            Map.entry("frequencyPenalty", "frequency_penalty"), Map.entry("presencePenalty", "presence_penalty"));

    /** OpenAI's {@code logit_bias}: token id (as a string) to a bias in [-100, 100]. */
    private static Map<Integer, Float> logitBias(ObjectNode bias) {
        Map<Integer, Float> result = new HashMap<>();
        var fields = bias.fields();
        while (fields.hasNext()) {
            var field = fields.next();
            int token;
            try {
                token = Integer.parseInt(field.getKey());
            } catch (NumberFormatException e) {
                throw ApiError.invalidParam("logit_bias", "'logit_bias' keys must be token ids, got '" + field.getKey() + "'");
            }
            JsonNode value = field.getValue();
            if (!value.isNumber() || token < 0 || !(value.asDouble() >= -100 && value.asDouble() <= 100)) {
                throw ApiError.invalidParam("logit_bias", "'logit_bias' maps token ids >= 0 to numbers in [-100, 100], got "
                        + field.getKey() + ": " + Json.describe(value));
            }
            result.put(token, (float) value.asDouble());
        }
        return result;
    }

    /**
     * OpenAI's {@code tool_choice}: {@code "auto"}, {@code "none"}, {@code "required"}, or a function by name
     * ({@code {"type":"function","function":{"name":...}}} in Chat Completions, {@code {"type":"function","name":...}} in
     * Responses). Anything else is a 400 naming it.
     */
    static ToolChoice toolChoice(ObjectNode body) {
        JsonNode choice = body.get("tool_choice");
        if (choice == null || choice.isNull()) {
            return ToolChoice.auto();
        }
        if (choice.isTextual()) {
            return switch (choice.asText()) {
                case "auto" -> ToolChoice.auto();
                case "none" -> ToolChoice.none();
                case "required" -> ToolChoice.required();
                default -> throw ApiError.invalidParam("tool_choice", "'tool_choice' must be \"auto\", \"none\", "
                        + "\"required\" or a function, was \"" + choice.asText() + "\"");
            };
        }
        if (choice.isObject() && "function".equals(choice.path("type").asText())) {
            JsonNode name = choice.path("function").path("name");
            if (!name.isTextual()) {
                name = choice.path("name");
            }
            if (name.isTextual()) {
                return ToolChoice.named(name.asText());
            }
        }
        throw ApiError.invalidParam("tool_choice", "'tool_choice' must be \"auto\", \"none\", \"required\" or "
                + "{\"type\":\"function\",\"function\":{\"name\":...}}, was " + Json.describe(choice));
    }

    /** Chat Completions' {@code logprobs} object for tokens: {@code {"content":[...],"refusal":null}}. */
    static ObjectNode logprobs(List<TokenLogprob> tokens) {
        ObjectNode node = Json.object();
        ArrayNode content = node.putArray("content");
        for (TokenLogprob token : tokens) {
            ObjectNode entry = logprobEntry(content.addObject(), token.text(), token.logprob());
            ArrayNode top = entry.putArray("top_logprobs");
            for (TokenLogprob.Alternative alternative : token.top()) {
                logprobEntry(top.addObject(), alternative.text(), alternative.logprob());
            }
        }
        node.putNull("refusal");
        return node;
    }

    private static ObjectNode logprobEntry(ObjectNode entry, String text, double logprob) {
        entry.put("token", text);
        // JSON has no infinity: a banned token's probability is reported as OpenAI does for impossible tokens
        entry.put("logprob", Double.isInfinite(logprob) ? -9999.0 : logprob);
        ArrayNode bytes = entry.putArray("bytes");
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            bytes.add(b & 0xff);
        }
        return entry;
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
