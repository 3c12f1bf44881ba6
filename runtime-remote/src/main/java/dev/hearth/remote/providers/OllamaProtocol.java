package dev.hearth.remote.providers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.api.ChatRequest;
import dev.hearth.api.FinishReason;
import dev.hearth.api.GenerationOptions;
import dev.hearth.api.InvalidRequestException;
import dev.hearth.api.Message;
import dev.hearth.api.ResponseFormat;
import dev.hearth.api.Tool;
import dev.hearth.api.ToolChoice;
import dev.hearth.api.ToolCall;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Ollama {@code POST /api/chat}, streamed as newline-delimited JSON. Tool arguments travel as JSON objects; tool
 * results name their tool ({@code tool_name}), found from the assistant call they answer. Stop sequences are matched
 * here, because Ollama reports a stop sequence and a natural end alike as {@code "stop"}.
 */
final class OllamaProtocol implements Protocol {
    private final RemoteConfig config;

    OllamaProtocol(RemoteConfig config) {
        this.config = config;
    }

    @Override
    public String path() {
        return "api/chat";
    }

    @Override
    public void headers(HttpRequest.Builder request) {
        if (config.apiKey() != null) {
            request.header("Authorization", "Bearer " + config.apiKey().reveal());
        }
    }

    @Override
    public boolean eventStream() {
        return false;
    }

    @Override
    public ObjectNode body(ChatRequest request, boolean stream) {
        ObjectNode body = Json.object();
        body.put("model", request.model().orElse(config.model()));
        Map<String, String> toolNamesByCallId = new HashMap<>();
        ArrayNode messages = body.putArray("messages");
        for (Message message : request.messages()) {
            ObjectNode wire = messages.addObject();
            wire.put("role", message.role().name().toLowerCase(Locale.ROOT)).put("content", message.content());
            if (!message.toolCalls().isEmpty()) {
                ArrayNode calls = wire.putArray("tool_calls");
                for (ToolCall call : message.toolCalls()) {
                    toolNamesByCallId.put(call.id(), call.name());
                    ObjectNode function = calls.addObject().putObject("function").put("name", call.name());
                    function.set("arguments", Json.arguments(call.name(), call.argumentsJson()));
                }
            }
            if (message.toolCallId() != null && toolNamesByCallId.containsKey(message.toolCallId())) {
                wire.put("tool_name", toolNamesByCallId.get(message.toolCallId()));
            }
        }
        WireOptions.refuseLogprobs(request.options(), "Ollama");
        WireOptions.refuseLogitBias(request.options(), "Ollama");
        WireOptions.refuseForcedToolChoice(request.options(), "Ollama");
        // Ollama has no tool_choice: "none" is expressed by not offering the tools
        if (!request.tools().isEmpty() && request.options().toolChoice().mode() != ToolChoice.Mode.NONE) {
            ArrayNode tools = body.putArray("tools");
            for (Tool tool : request.tools()) {
                ObjectNode function = tools.addObject().put("type", "function").putObject("function");
                function.put("name", tool.name()).put("description", tool.description());
                function.set("parameters", Json.schema(tool.name(), tool.parametersJsonSchema()));
            }
        }
        GenerationOptions options = request.options();
        ObjectNode wireOptions = body.putObject("options");
        wireOptions.put("temperature", options.temperature());
        wireOptions.put("top_k", options.topK());
        wireOptions.put("top_p", options.topP());
        wireOptions.put("min_p", options.minP());
        wireOptions.put("repeat_penalty", options.repetitionPenalty());
        wireOptions.put("repeat_last_n", options.repetitionWindow());
        options.seed().ifPresent(seed -> wireOptions.put("seed", seed));
        if (options.frequencyPenalty() != 0) {
            wireOptions.put("frequency_penalty", options.frequencyPenalty());
        }
        if (options.presencePenalty() != 0) {
            wireOptions.put("presence_penalty", options.presencePenalty());
        }
        if (options.maxTokens() != GenerationOptions.UNLIMITED) {
            wireOptions.put("num_predict", options.maxTokens());
        }
        if (config.contextLength() > 0) {
            wireOptions.put("num_ctx", config.contextLength());
        }
        switch (options.responseFormat()) {
            case ResponseFormat.Text ignored -> { }
            case ResponseFormat.JsonObject ignored -> body.put("format", "json");
            case ResponseFormat.JsonSchema schema -> body.set("format", Json.responseSchema(schema.name(), schema.schema()));
            case ResponseFormat.Grammar ignored -> throw new InvalidRequestException(
                    "Ollama does not accept GBNF grammars; use a JSON schema response format");
        }
        body.put("stream", stream);
        return body;
    }

    @Override
    public void event(String name, String data, Answer answer) {
        apply(Json.fromProvider("Ollama", data), answer);
    }

    @Override
    public void complete(JsonNode body, Answer answer) {
        apply(body, answer);
        answer.terminal();
    }

    private void apply(JsonNode line, Answer answer) {
        if (line.hasNonNull("error")) {
            throw ProviderErrors.inStream("Ollama", "", line.get("error").asText(), config.apiKey());
        }
        answer.servedModel(Json.text(line, "model"));
        JsonNode message = line.path("message");
        String content = Json.text(message, "content");
        if (content != null && !content.isEmpty()) {
            answer.text(content);
        }
        for (JsonNode call : message.path("tool_calls")) {
            JsonNode function = call.path("function");
            int index = answer.toolCalls().size();
            String id = Json.text(call, "id");
            answer.toolCall(index, id == null ? "call_" + index : id, Json.text(function, "name"),
                    function.has("arguments") ? Json.write(function.get("arguments")) : "{}");
        }
        if (line.path("done").asBoolean(false)) {
            Integer prompt = Json.integer(line, "prompt_eval_count");
            Integer completion = Json.integer(line, "eval_count");
            if (prompt != null) {
                answer.promptTokens(prompt);
            }
            if (completion != null) {
                answer.completionTokens(completion);
            }
            Long prefillNanos = line.path("prompt_eval_duration").isNumber() ? line.get("prompt_eval_duration").asLong() : null;
            Long decodeNanos = line.path("eval_duration").isNumber() ? line.get("eval_duration").asLong() : null;
            if (prefillNanos != null && decodeNanos != null && prefillNanos >= 0 && decodeNanos >= 0) {
                answer.serverTimings(Duration.ofNanos(prefillNanos), Duration.ofNanos(decodeNanos));
            }
            String reason = Json.text(line, "done_reason");
            answer.finish("length".equals(reason) ? FinishReason.LENGTH
                    : answer.toolCalls().isEmpty() ? FinishReason.STOP : FinishReason.TOOL_CALLS);
            answer.terminal();
        }
    }
}
