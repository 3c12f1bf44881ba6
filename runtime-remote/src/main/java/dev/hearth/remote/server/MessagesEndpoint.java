package dev.hearth.remote.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.api.ChatRequest;
import dev.hearth.api.ChatResponse;
import dev.hearth.api.FinishReason;
import dev.hearth.api.GenerationOptions;
import dev.hearth.api.Message;
import dev.hearth.api.ResponseFormat;
import dev.hearth.api.Tool;
import dev.hearth.api.ToolChoice;
import dev.hearth.api.ToolCall;
import dev.hearth.api.Usage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /v1/messages}: the Anthropic Messages API. Content blocks map to the api's messages ({@code tool_use}
 * blocks to tool calls, {@code tool_result} blocks to tool messages); streaming sends Anthropic's event sequence
 * {@code message_start}, {@code content_block_start}, {@code ping}, {@code content_block_delta}…,
 * {@code content_block_stop}, {@code message_delta} (stop reason and the final usage) and {@code message_stop}.
 * Usage follows Anthropic's convention: {@code input_tokens} excludes the prompt tokens read from the cache, which
 * are reported in {@code cache_read_input_tokens}.
 */
final class MessagesEndpoint implements Endpoint {
    private final ServerContext context;

    MessagesEndpoint(ServerContext context) {
        this.context = context;
    }

    @Override
    public void handle(Exchange exchange) throws IOException {
        ObjectNode body = exchange.body();
        String model = context.catalog().resolve(Json.requiredText(body, "model"));
        GenerationOptions options = options(body);
        ChatRequest request = ChatRequest.builder()
                .messages(messages(body))
                .tools(tools(body))
                .options(options)
                .model(model)
                .build();
        String id = Ids.next("msg_");
        if (!Json.bool(body, "stream", false)) {
            ChatResponse response = context.runner().call(request, exchange);
            ObjectNode message = message(id, model);
            ArrayNode content = message.putArray("content");
            if (!response.text().isEmpty() || response.toolCalls().isEmpty()) {
                content.add(textBlock(response.text()));
            }
            for (ToolCall call : response.toolCalls()) {
                content.add(toolUseBlock(call, true));
            }
            message.put("stop_reason", stopReason(response.finishReason()));
            putStopSequence(message, response, options);
            message.set("usage", usage(response.usage()));
            exchange.json(200, message);
            return;
        }
        exchange.startStream("text/event-stream");
        ObjectNode start = message(id, model);
        start.putArray("content");
        start.putNull("stop_reason");
        start.putNull("stop_sequence");
        // the prompt's token count is only known once the runtime has read it: message_delta carries the real usage
        start.set("usage", usage(new Usage(0, 0, 0)));
        send(exchange, "message_start", event -> event.set("message", start));
        send(exchange, "ping", event -> { });
        boolean[] textStarted = {false};
        ChatResponse response = context.runner().stream(request, exchange, token -> {
            if (token.text().isEmpty()) {
                return;
            }
            if (!textStarted[0]) {
                textStarted[0] = true;
                startTextBlock(exchange);
            }
            send(exchange, "content_block_delta", event -> {
                event.put("index", 0);
                ObjectNode delta = event.putObject("delta");
                delta.put("type", "text_delta");
                delta.put("text", token.text());
            });
        });
        int index = 0;
        if (textStarted[0] || response.toolCalls().isEmpty()) {
            if (!textStarted[0]) {
                startTextBlock(exchange);
            }
            send(exchange, "content_block_stop", event -> event.put("index", 0));
            index = 1;
        }
        for (ToolCall call : response.toolCalls()) {
            int blockIndex = index++;
            send(exchange, "content_block_start", event -> {
                event.put("index", blockIndex);
                event.set("content_block", toolUseBlock(call, false));
            });
            send(exchange, "content_block_delta", event -> {
                event.put("index", blockIndex);
                ObjectNode delta = event.putObject("delta");
                delta.put("type", "input_json_delta");
                delta.put("partial_json", Json.write(toolInput(call)));
            });
            send(exchange, "content_block_stop", event -> event.put("index", blockIndex));
        }
        send(exchange, "message_delta", event -> {
            ObjectNode delta = event.putObject("delta");
            delta.put("stop_reason", stopReason(response.finishReason()));
            putStopSequence(delta, response, options);
            ObjectNode usage = event.putObject("usage");
            usage.put("input_tokens", response.usage().promptTokens() - response.usage().cachedPromptTokens());
            usage.put("cache_creation_input_tokens", 0);
            usage.put("cache_read_input_tokens", response.usage().cachedPromptTokens());
            usage.put("output_tokens", response.usage().completionTokens());
        });
        send(exchange, "message_stop", event -> { });
        exchange.endStream();
    }

    private static void startTextBlock(Exchange exchange) throws IOException {
        send(exchange, "content_block_start", event -> {
            event.put("index", 0);
            event.set("content_block", textBlock(""));
        });
    }

    private static void send(Exchange exchange, String type, java.util.function.Consumer<ObjectNode> fill) throws IOException {
        ObjectNode event = Json.object();
        event.put("type", type);
        fill.accept(event);
        exchange.streamPiece("event: " + type + "\ndata: " + Json.write(event) + "\n\n");
    }

    private static ObjectNode message(String id, String model) {
        ObjectNode message = Json.object();
        message.put("id", id);
        message.put("type", "message");
        message.put("role", "assistant");
        message.put("model", model);
        return message;
    }

    private static ObjectNode textBlock(String text) {
        ObjectNode block = Json.object();
        block.put("type", "text");
        block.put("text", text);
        return block;
    }

    private static ObjectNode toolUseBlock(ToolCall call, boolean withInput) {
        ObjectNode block = Json.object();
        block.put("type", "tool_use");
        block.put("id", call.id());
        block.put("name", call.name());
        // streamed blocks start with an empty input and receive it as input_json_delta
        block.set("input", withInput ? toolInput(call) : Json.object());
        return block;
    }

    /** The arguments as the JSON object Anthropic requires; a runtime's non-object arguments are wrapped, never lost. */
    private static ObjectNode toolInput(ToolCall call) {
        JsonNode parsed = Json.parseOrNull(call.argumentsJson());
        if (parsed instanceof ObjectNode object) {
            return object;
        }
        ObjectNode wrapped = Json.object();
        wrapped.put("arguments", call.argumentsJson());
        return wrapped;
    }

    private static ObjectNode usage(Usage usage) {
        ObjectNode node = Json.object();
        node.put("input_tokens", usage.promptTokens() - usage.cachedPromptTokens());
        node.put("cache_creation_input_tokens", 0);
        node.put("cache_read_input_tokens", usage.cachedPromptTokens());
        node.put("output_tokens", usage.completionTokens());
        node.put("service_tier", "standard");
        return node;
    }

    private static String stopReason(FinishReason reason) {
        return switch (reason) {
            case STOP, CANCELLED -> "end_turn";
            case STOP_SEQUENCE -> "stop_sequence";
            case LENGTH -> "max_tokens";
            case CONTEXT_FULL -> "model_context_window_exceeded";
            case TOOL_CALLS -> "tool_use";
        };
    }

    /**
     * Which stop sequence ended the answer. The api reports that one did, not which: with a single stop sequence it
     * is that one; with several the field stays null rather than guessing.
     */
    private static void putStopSequence(ObjectNode node, ChatResponse response, GenerationOptions options) {
        if (response.finishReason() == FinishReason.STOP_SEQUENCE && options.stopSequences().size() == 1) {
            node.put("stop_sequence", options.stopSequences().getFirst());
        } else {
            node.putNull("stop_sequence");
        }
    }

    private GenerationOptions options(ObjectNode body) {
        Integer maxTokens = Json.integer(body, "max_tokens");
        if (maxTokens == null) {
            throw ApiError.invalidParam("max_tokens", "max_tokens: Field required");
        }
        GenerationOptions.Builder options = context.defaults().toBuilder().maxTokens(maxTokens);
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
        ArrayNode stops = Json.array(body, "stop_sequences");
        if (stops != null) {
            options.stopSequences(Json.stringOrStrings(body, "stop_sequences"));
        }
        options.toolChoice(toolChoice(body));
        options.responseFormat(responseFormat(body));
        return options.build();
    }

    /**
     * Structured outputs: {@code output_config.format} of type {@code json_schema} constrains the answer to the
     * schema (always strict on this API). Other settings in {@code output_config} (the thinking {@code effort}) mean
     * nothing to these runtimes and are refused by name rather than dropped.
     */
    private static ResponseFormat responseFormat(ObjectNode body) {
        JsonNode config = body.get("output_config");
        if (config == null || config.isNull()) {
            return ResponseFormat.text();
        }
        if (!(config instanceof ObjectNode object)) {
            throw ApiError.invalidParam("output_config", "output_config must be an object");
        }
        for (java.util.Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("format")) {
                throw ApiError.invalidParam("output_config." + name, "output_config." + name
                        + " is not supported by this server; only output_config.format is");
            }
        }
        JsonNode format = object.get("format");
        if (format == null || format.isNull()) {
            return ResponseFormat.text();
        }
        if (!"json_schema".equals(format.path("type").asText())) {
            throw ApiError.invalidParam("output_config.format", "output_config.format.type must be 'json_schema'");
        }
        JsonNode schema = format.get("schema");
        if (!(schema instanceof ObjectNode)) {
            throw ApiError.invalidParam("output_config.format", "output_config.format.schema: Field required (an object)");
        }
        return ResponseFormat.jsonSchema("output", Json.write(schema), true);
    }

    private static List<Message> messages(ObjectNode body) {
        List<Message> messages = new ArrayList<>();
        JsonNode system = body.get("system");
        if (system != null && !system.isNull()) {
            String text = system.isTextual() ? system.asText() : text(system, "system");
            if (!text.isEmpty()) {
                messages.add(Message.system(text));
            }
        }
        ArrayNode turns = Json.array(body, "messages");
        if (turns == null || turns.isEmpty()) {
            throw ApiError.invalidParam("messages", "messages: at least one message is required");
        }
        for (int i = 0; i < turns.size(); i++) {
            ObjectNode turn = Json.element(turns.get(i), "messages", i);
            String role = Json.requiredText(turn, "role");
            JsonNode content = turn.get("content");
            if (content == null || content.isNull()) {
                throw ApiError.invalidParam("messages", "messages." + i + ".content: Field required");
            }
            switch (role) {
                case "user" -> userTurn(content, i, messages);
                case "assistant" -> messages.add(assistantTurn(content, i));
                default -> throw ApiError.invalidParam("messages", "messages." + i + ".role: Input should be 'user' or 'assistant'");
            }
        }
        return messages;
    }

    /** A user turn: its tool_result blocks become tool messages, its text one user message after them. */
    private static void userTurn(JsonNode content, int index, List<Message> messages) {
        if (content.isTextual()) {
            messages.add(Message.user(content.asText()));
            return;
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode block : blocks(content, index)) {
            switch (block.path("type").asText()) {
                case "text" -> text.append(block.path("text").asText());
                case "tool_result" -> {
                    String toolUseId = Json.requiredText(block, "tool_use_id");
                    JsonNode result = block.get("content");
                    String resultText = result == null || result.isNull() ? ""
                            : result.isTextual() ? result.asText() : text(result, "messages." + index + ".content");
                    if (block.path("is_error").asBoolean(false)) {
                        resultText = "Error: " + resultText;
                    }
                    messages.add(Message.toolResult(toolUseId, resultText));
                }
                default -> throw unsupportedBlock(block, index);
            }
        }
        if (!text.isEmpty()) {
            messages.add(Message.user(text.toString()));
        }
    }

    private static Message assistantTurn(JsonNode content, int index) {
        if (content.isTextual()) {
            return Message.assistant(content.asText());
        }
        StringBuilder text = new StringBuilder();
        List<ToolCall> calls = new ArrayList<>();
        for (JsonNode block : blocks(content, index)) {
            switch (block.path("type").asText()) {
                case "text" -> text.append(block.path("text").asText());
                case "tool_use" -> {
                    JsonNode input = block.get("input");
                    calls.add(new ToolCall(Json.requiredText(block, "id"), Json.requiredText(block, "name"),
                            input == null || input.isNull() ? "{}" : Json.write(input)));
                }
                // thinking blocks carry the model's own earlier reasoning; a runtime without it has nothing to resume
                case "thinking", "redacted_thinking" -> { }
                default -> throw unsupportedBlock(block, index);
            }
        }
        return Message.assistant(text.toString(), calls);
    }

    private static ArrayNode blocks(JsonNode content, int index) {
        if (!(content instanceof ArrayNode array)) {
            throw ApiError.invalidParam("messages", "messages." + index + ".content must be a string or a list of content blocks");
        }
        for (int i = 0; i < array.size(); i++) {
            Json.element(array.get(i), "messages." + index + ".content", i);
        }
        return array;
    }

    private static ApiError unsupportedBlock(JsonNode block, int index) {
        return ApiError.invalidParam("messages", "messages." + index + " has a '" + block.path("type").asText()
                + "' content block; this server accepts text, tool_use and tool_result blocks");
    }

    /** The text of a list of text blocks (system prompts, tool results). */
    private static String text(JsonNode blocks, String field) {
        if (!blocks.isArray()) {
            throw ApiError.invalidParam(field, field + " must be a string or a list of text blocks");
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode block : blocks) {
            if (!"text".equals(block.path("type").asText())) {
                throw ApiError.invalidParam(field, field + " has a '" + block.path("type").asText()
                        + "' block; only text blocks are accepted there");
            }
            text.append(block.path("text").asText());
        }
        return text.toString();
    }

    /**
     * Anthropic's {@code tool_choice}: {@code auto}, {@code any} (a call is required), {@code tool} (that tool) or
     * {@code none}. {@code disable_parallel_tool_use} needs nothing here: a required call is exactly one call.
     */
    private static ToolChoice toolChoice(ObjectNode body) {
        ObjectNode choice = Json.object(body, "tool_choice");
        if (choice == null) {
            return ToolChoice.auto();
        }
        String type = choice.path("type").asText();
        return switch (type) {
            case "auto" -> ToolChoice.auto();
            case "none" -> ToolChoice.none();
            case "any" -> ToolChoice.required();
            case "tool" -> {
                String name = Json.text(choice, "name");
                if (name == null) {
                    throw ApiError.invalidParam("tool_choice", "tool_choice.name: Field required for type 'tool'");
                }
                yield ToolChoice.named(name);
            }
            default -> throw ApiError.invalidParam("tool_choice", "tool_choice.type must be 'auto', 'any', 'tool' or "
                    + "'none', was '" + type + "'");
        };
    }

    private static List<Tool> tools(ObjectNode body) {
        ArrayNode tools = Json.array(body, "tools");
        ObjectNode choice = Json.object(body, "tool_choice");
        if (tools == null || (choice != null && "none".equals(choice.path("type").asText()))) {
            return List.of();
        }
        List<Tool> result = new ArrayList<>();
        for (int i = 0; i < tools.size(); i++) {
            ObjectNode tool = Json.element(tools.get(i), "tools", i);
            String type = Json.text(tool, "type");
            if (type != null && !type.equals("custom")) {
                throw ApiError.invalidParam("tools", "tools." + i + " is the server tool '" + type
                        + "'; this server runs client tools (name, description, input_schema) only");
            }
            result.add(OpenAiFormat.tool(tool, "input_schema"));
        }
        return result;
    }
}
