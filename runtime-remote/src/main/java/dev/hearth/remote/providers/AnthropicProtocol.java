package dev.hearth.remote.providers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.api.ChatRequest;
import dev.hearth.api.FinishReason;
import dev.hearth.api.GenerationOptions;
import dev.hearth.api.InvalidRequestException;
import dev.hearth.api.ResponseFormat;
import dev.hearth.api.Message;
import dev.hearth.api.Role;
import dev.hearth.api.Tool;
import dev.hearth.api.ToolChoice;
import dev.hearth.api.ToolCall;

import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * Anthropic Messages ({@code POST /messages}). System messages go to the top-level {@code system} blocks, tool results
 * become {@code tool_result} blocks of a user turn. With prompt caching on, {@code cache_control} breakpoints mark the
 * stable prefix: the last tool, the last system block, and the end of the conversation so far (the next turn reads
 * it back); that is three of the four breakpoints the API allows.
 */
final class AnthropicProtocol implements Protocol {
    static final String API_VERSION = "2023-06-01";

    private final RemoteConfig config;

    AnthropicProtocol(RemoteConfig config) {
        this.config = config;
    }

    @Override
    public String path() {
        return "messages";
    }

    @Override
    public void headers(HttpRequest.Builder request) {
        request.header("x-api-key", config.apiKey() == null ? "" : config.apiKey().reveal());
        request.header("anthropic-version", API_VERSION);
    }

    @Override
    public boolean eventStream() {
        return true;
    }

    @Override
    public ObjectNode body(ChatRequest request, boolean stream) {
        GenerationOptions options = request.options();
        if (options.responseFormat().constrains() && !(options.responseFormat() instanceof ResponseFormat.JsonSchema)) {
            throw new InvalidRequestException("Anthropic's Messages API takes response formats as a JSON schema only "
                    + "(output_config.format); it cannot be sent " + options.responseFormat()
                    + ". Give a schema, or route the request to a runtime that supports it");
        }
        if (options.temperature() > 1) {
            throw new InvalidRequestException("Anthropic accepts a temperature between 0 and 1, was " + options.temperature());
        }
        ObjectNode body = Json.object();
        body.put("model", request.model().orElse(config.model()));
        if (options.responseFormat() instanceof ResponseFormat.JsonSchema schema) {
            // Anthropic's structured outputs: always strict, no name
            body.putObject("output_config").putObject("format").put("type", "json_schema")
                    .set("schema", Json.responseSchema(schema.name(), schema.schema()));
        }
        body.put("max_tokens", options.maxTokens() == GenerationOptions.UNLIMITED ? config.maxTokensWhenUnlimited()
                : options.maxTokens());
        List<String> system = new ArrayList<>();
        List<Message> conversation = new ArrayList<>();
        for (Message message : request.messages()) {
            if (message.role() == Role.SYSTEM) {
                system.add(message.content());
            } else {
                conversation.add(message);
            }
        }
        if (conversation.isEmpty()) {
            throw new InvalidRequestException("Anthropic needs at least one user message besides the system messages.");
        }
        WireOptions.refuseLogprobs(options, "Anthropic");
        WireOptions.refuseLogitBias(options, "Anthropic");
        WireOptions.refusePenalties(options, "Anthropic");
        if (!request.tools().isEmpty()) {
            ToolChoice choice = options.toolChoice();
            switch (choice.mode()) {
                case AUTO -> { }
                case NONE -> body.putObject("tool_choice").put("type", "none");
                case REQUIRED -> body.putObject("tool_choice").put("type", "any");
                case NAMED -> body.putObject("tool_choice").put("type", "tool").put("name", choice.toolName());
            }
            ArrayNode tools = body.putArray("tools");
            for (Tool tool : request.tools()) {
                ObjectNode wire = tools.addObject().put("name", tool.name()).put("description", tool.description());
                wire.set("input_schema", Json.schema(tool.name(), tool.parametersJsonSchema()));
            }
            markCached((ObjectNode) tools.get(tools.size() - 1));
        }
        if (!system.isEmpty()) {
            ArrayNode blocks = body.putArray("system");
            system.forEach(text -> blocks.addObject().put("type", "text").put("text", text));
            markCached((ObjectNode) blocks.get(blocks.size() - 1));
        }
        ArrayNode messages = body.putArray("messages");
        ObjectNode turn = null;
        String turnRole = null;
        for (Message message : conversation) {
            String role = message.role() == Role.ASSISTANT ? "assistant" : "user";
            if (!role.equals(turnRole)) {
                turn = messages.addObject().put("role", role);
                turn.putArray("content");
                turnRole = role;
            }
            ArrayNode content = (ArrayNode) turn.get("content");
            switch (message.role()) {
                case TOOL -> content.addObject().put("type", "tool_result").put("tool_use_id", message.toolCallId())
                        .put("content", message.content());
                case ASSISTANT -> {
                    if (!message.content().isEmpty()) {
                        content.addObject().put("type", "text").put("text", message.content());
                    }
                    for (ToolCall call : message.toolCalls()) {
                        content.addObject().put("type", "tool_use").put("id", call.id()).put("name", call.name())
                                .set("input", Json.arguments(call.name(), call.argumentsJson()));
                    }
                }
                default -> content.addObject().put("type", "text").put("text", message.content());
            }
        }
        if (messages.size() > 1) {
            ArrayNode lastContent = (ArrayNode) messages.get(messages.size() - 1).get("content");
            if (!lastContent.isEmpty()) {
                markCached((ObjectNode) lastContent.get(lastContent.size() - 1));
            }
        }
        if (!options.stopSequences().isEmpty()) {
            ArrayNode stops = body.putArray("stop_sequences");
            options.stopSequences().forEach(stops::add);
        }
        body.put("temperature", options.temperature());
        if (stream) {
            body.put("stream", true);
        }
        return body;
    }

    private void markCached(ObjectNode block) {
        if (config.promptCaching()) {
            block.putObject("cache_control").put("type", "ephemeral");
        }
    }

    @Override
    public void event(String name, String data, Answer answer) {
        JsonNode event = Json.fromProvider("Anthropic", data);
        String type = name != null ? name : Json.text(event, "type");
        switch (type == null ? "" : type) {
            case "message_start" -> {
                JsonNode message = event.path("message");
                answer.servedModel(Json.text(message, "model"));
                usage(message.path("usage"), answer);
            }
            case "content_block_start" -> {
                JsonNode block = event.path("content_block");
                if ("tool_use".equals(Json.text(block, "type"))) {
                    answer.toolCall(event.path("index").asInt(), Json.text(block, "id"), Json.text(block, "name"), null);
                } else if ("text".equals(Json.text(block, "type"))) {
                    String text = Json.text(block, "text");
                    if (text != null && !text.isEmpty()) {
                        answer.text(text);
                    }
                }
            }
            case "content_block_delta" -> {
                JsonNode delta = event.path("delta");
                switch (String.valueOf(Json.text(delta, "type"))) {
                    case "text_delta" -> answer.text(Json.text(delta, "text"));
                    case "input_json_delta" -> answer.toolCall(event.path("index").asInt(), null, null,
                            Json.text(delta, "partial_json"));
                    default -> { } // thinking and signature deltas are not part of the answer's text
                }
            }
            case "message_delta" -> {
                finish(Json.text(event.path("delta"), "stop_reason"), answer);
                usage(event.path("usage"), answer);
            }
            case "message_stop" -> answer.terminal();
            case "error" -> {
                JsonNode error = event.path("error");
                throw ProviderErrors.inStream("Anthropic", Json.text(error, "type"), Json.text(error, "message"),
                        config.apiKey());
            }
            default -> { } // ping, content_block_stop and event types added later
        }
    }

    @Override
    public void complete(JsonNode body, Answer answer) {
        answer.servedModel(Json.text(body, "model"));
        StringBuilder text = new StringBuilder();
        int index = 0;
        for (JsonNode block : body.path("content")) {
            switch (String.valueOf(Json.text(block, "type"))) {
                case "text" -> text.append(Json.text(block, "text"));
                case "tool_use" -> answer.toolCall(index, Json.text(block, "id"), Json.text(block, "name"),
                        Json.write(block.path("input")));
                default -> { }
            }
            index++;
        }
        if (!text.isEmpty()) {
            answer.text(text.toString());
        }
        finish(Json.text(body, "stop_reason"), answer);
        usage(body.path("usage"), answer);
        answer.terminal();
    }

    private static void finish(String reason, Answer answer) {
        if (reason == null) {
            return;
        }
        answer.finish(switch (reason) {
            case "max_tokens" -> FinishReason.LENGTH;
            case "stop_sequence" -> FinishReason.STOP_SEQUENCE;
            case "tool_use" -> FinishReason.TOOL_CALLS;
            case "model_context_window_exceeded" -> FinishReason.CONTEXT_FULL;
            default -> FinishReason.STOP; // end_turn, pause_turn, refusal
        });
    }

    /**
     * Anthropic counts the prompt in three parts: {@code input_tokens} (after the last breakpoint),
     * {@code cache_read_input_tokens} and {@code cache_creation_input_tokens}; the prompt is their sum.
     */
    private static void usage(JsonNode usage, Answer answer) {
        if (usage == null || !usage.isObject()) {
            return;
        }
        Integer input = Json.integer(usage, "input_tokens");
        Integer read = Json.integer(usage, "cache_read_input_tokens");
        Integer created = Json.integer(usage, "cache_creation_input_tokens");
        // message_start carries all three; a later message_delta may repeat input_tokens alone, which must not
        // erase the cache counts already known
        if (input != null && (read != null || created != null || !answer.hasPromptTokens())) {
            answer.promptTokens(input + (read == null ? 0 : read) + (created == null ? 0 : created));
            answer.cachedPromptTokens(read == null ? 0 : read);
        }
        Integer output = Json.integer(usage, "output_tokens");
        if (output != null) {
            answer.completionTokens(output);
        }
    }
}
