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
import java.util.ArrayList;
import java.util.List;

/**
 * OpenAI Responses ({@code POST /responses}), stateless ({@code store: false}): system messages become the
 * {@code instructions}, tool calls and their results become {@code function_call} and {@code function_call_output}
 * items. The API has no stop sequences, so they are matched here.
 */
final class OpenAiResponsesProtocol implements Protocol {
    private final RemoteConfig config;

    OpenAiResponsesProtocol(RemoteConfig config) {
        this.config = config;
    }

    @Override
    public String path() {
        return "responses";
    }

    @Override
    public void headers(HttpRequest.Builder request) {
        if (config.apiKey() != null) {
            request.header("Authorization", "Bearer " + config.apiKey().reveal());
        }
    }

    @Override
    public boolean eventStream() {
        return true;
    }

    @Override
    public ObjectNode body(ChatRequest request, boolean stream) {
        ObjectNode body = Json.object();
        String model = request.model().orElse(config.model());
        body.put("model", model);
        List<String> instructions = new ArrayList<>();
        ArrayNode input = body.putArray("input");
        for (Message message : request.messages()) {
            switch (message.role()) {
                case SYSTEM -> instructions.add(message.content());
                case USER -> input.addObject().put("role", "user").put("content", message.content());
                case TOOL -> input.addObject().put("type", "function_call_output").put("call_id", message.toolCallId())
                        .put("output", message.content());
                case ASSISTANT -> {
                    if (!message.content().isEmpty()) {
                        input.addObject().put("role", "assistant").put("content", message.content());
                    }
                    for (ToolCall call : message.toolCalls()) {
                        input.addObject().put("type", "function_call").put("call_id", call.id()).put("name", call.name())
                                .put("arguments", call.argumentsJson());
                    }
                }
            }
        }
        if (!instructions.isEmpty()) {
            body.put("instructions", String.join("\n\n", instructions));
        }
        WireOptions.refuseLogprobs(request.options(), "OpenAI Responses");
        WireOptions.refuseLogitBias(request.options(), "OpenAI Responses");
        WireOptions.refusePenalties(request.options(), "OpenAI Responses");
        if (!request.tools().isEmpty()) {
            ToolChoice choice = request.options().toolChoice();
            switch (choice.mode()) {
                case AUTO -> { }
                case NONE, REQUIRED -> body.put("tool_choice", choice.mode().name().toLowerCase(java.util.Locale.ROOT));
                case NAMED -> body.putObject("tool_choice").put("type", "function").put("name", choice.toolName());
            }
            ArrayNode tools = body.putArray("tools");
            for (Tool tool : request.tools()) {
                ObjectNode wire = tools.addObject().put("type", "function").put("name", tool.name())
                        .put("description", tool.description());
                wire.set("parameters", Json.schema(tool.name(), tool.parametersJsonSchema()));
            }
        }
        GenerationOptions options = request.options();
        switch (options.responseFormat()) {
            case ResponseFormat.Text ignored -> { }
            case ResponseFormat.JsonObject ignored -> body.putObject("text").putObject("format").put("type", "json_object");
            case ResponseFormat.JsonSchema schema -> body.putObject("text").putObject("format").put("type", "json_schema")
                    .put("name", schema.name()).put("strict", schema.strict())
                    .set("schema", Json.responseSchema(schema.name(), schema.schema()));
            case ResponseFormat.Grammar ignored -> throw new InvalidRequestException(
                    "OpenAI does not accept GBNF grammars; use a JSON schema response format");
        }
        if (options.maxTokens() != GenerationOptions.UNLIMITED) {
            body.put("max_output_tokens", options.maxTokens());
        }
        if (config.samplingParameters()) {
            body.put("temperature", options.temperature());
            if (options.topP() < 1) {
                body.put("top_p", options.topP());
            }
        }
        body.put("store", false);
        if (config.promptCaching()) {
            body.put("prompt_cache_key", PromptCacheKey.of(model, request));
        }
        if (stream) {
            body.put("stream", true);
        }
        return body;
    }

    @Override
    public void event(String name, String data, Answer answer) {
        JsonNode event = Json.fromProvider("OpenAI", data);
        String type = Json.text(event, "type") != null ? Json.text(event, "type") : String.valueOf(name);
        switch (type) {
            case "response.created" -> answer.servedModel(Json.text(event.path("response"), "model"));
            case "response.output_text.delta" -> answer.text(Json.text(event, "delta"));
            case "response.output_item.added", "response.output_item.done" -> {
                JsonNode item = event.path("item");
                if ("function_call".equals(Json.text(item, "type"))) {
                    int index = event.path("output_index").asInt();
                    answer.toolCall(index, Json.text(item, "call_id"), Json.text(item, "name"), null);
                    String arguments = Json.text(item, "arguments");
                    if (type.endsWith(".done") && arguments != null) {
                        answer.toolCallArguments(index, arguments);
                    }
                }
            }
            case "response.function_call_arguments.delta" ->
                    answer.toolCall(event.path("output_index").asInt(), null, null, Json.text(event, "delta"));
            case "response.completed", "response.incomplete" -> {
                finish(event.path("response"), answer);
                answer.terminal();
            }
            case "response.failed" -> {
                JsonNode error = event.path("response").path("error");
                throw ProviderErrors.inStream("OpenAI", Json.text(error, "code"), Json.text(error, "message"),
                        config.apiKey());
            }
            case "error" -> throw ProviderErrors.inStream("OpenAI", Json.text(event, "code"), Json.text(event, "message"),
                    config.apiKey());
            default -> { } // content parts, reasoning summaries and other progress events
        }
    }

    @Override
    public void complete(JsonNode body, Answer answer) {
        if (body.hasNonNull("error") && body.get("error").isObject()) {
            JsonNode error = body.get("error");
            throw ProviderErrors.inStream("OpenAI", Json.text(error, "code"), Json.text(error, "message"), config.apiKey());
        }
        StringBuilder text = new StringBuilder();
        int index = 0;
        for (JsonNode item : body.path("output")) {
            switch (String.valueOf(Json.text(item, "type"))) {
                case "message" -> {
                    for (JsonNode part : item.path("content")) {
                        if ("output_text".equals(Json.text(part, "type"))) {
                            text.append(Json.text(part, "text"));
                        }
                    }
                }
                case "function_call" -> answer.toolCall(index, Json.text(item, "call_id"), Json.text(item, "name"),
                        Json.text(item, "arguments"));
                default -> { }
            }
            index++;
        }
        if (!text.isEmpty()) {
            answer.text(text.toString());
        }
        finish(body, answer);
        answer.terminal();
    }

    private static void finish(JsonNode response, Answer answer) {
        answer.servedModel(Json.text(response, "model"));
        String status = Json.text(response, "status");
        String incomplete = Json.text(response.path("incomplete_details"), "reason");
        if ("incomplete".equals(status)) {
            answer.finish("max_output_tokens".equals(incomplete) ? FinishReason.LENGTH : FinishReason.STOP);
        } else if (!answer.toolCalls().isEmpty()) {
            answer.finish(FinishReason.TOOL_CALLS);
        } else {
            answer.finish(FinishReason.STOP);
        }
        JsonNode usage = response.path("usage");
        Integer input = Json.integer(usage, "input_tokens");
        Integer output = Json.integer(usage, "output_tokens");
        Integer cached = Json.integer(usage, "input_tokens_details", "cached_tokens");
        if (input != null) {
            answer.promptTokens(input);
        }
        if (output != null) {
            answer.completionTokens(output);
        }
        if (cached != null) {
            answer.cachedPromptTokens(cached);
        }
    }
}
