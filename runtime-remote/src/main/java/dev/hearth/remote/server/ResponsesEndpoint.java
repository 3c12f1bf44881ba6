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
import dev.hearth.api.Role;
import dev.hearth.api.Tool;
import dev.hearth.api.ToolCall;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /v1/responses}: the OpenAI Responses API, stateless (nothing is stored, so {@code previous_response_id}
 * is refused). Streams the API's typed events: {@code response.created}, {@code response.in_progress},
 * {@code response.output_item.added}, {@code response.content_part.added}, {@code response.output_text.delta}…,
 * the matching {@code .done} events, function-call items, and {@code response.completed} (or
 * {@code response.incomplete} when a token limit cut the answer).
 */
final class ResponsesEndpoint implements Endpoint {
    private final ServerContext context;

    ResponsesEndpoint(ServerContext context) {
        this.context = context;
    }

    @Override
    public void handle(Exchange exchange) throws IOException {
        ObjectNode body = exchange.body();
        String model = context.catalog().resolve(Json.text(body, "model"));
        if (Json.present(body, "previous_response_id")) {
            throw ApiError.invalidParam("previous_response_id",
                    "This server stores no responses; send the whole conversation in 'input' instead of previous_response_id.");
        }
        GenerationOptions options = OpenAiFormat.options(body, context.defaults(), "max_output_tokens").toBuilder()
                .responseFormat(responseFormat(Json.object(body, "text"))).toolChoice(OpenAiFormat.toolChoice(body)).build();
        ChatRequest request = ChatRequest.builder()
                .messages(messages(body))
                .tools(tools(body))
                .options(options)
                .model(model)
                .build();
        Draft draft = new Draft(Ids.next("resp_"), Ids.nowSeconds(), model, body, options);
        if (!Json.bool(body, "stream", false)) {
            ChatResponse response = context.runner().call(request, exchange);
            boolean withMessage = !response.text().isEmpty() || response.toolCalls().isEmpty();
            exchange.json(200, draft.finished(response, withMessage ? Ids.next("msg_") : null));
            return;
        }
        Events events = new Events(exchange);
        exchange.startStream("text/event-stream");
        events.send("response.created", event -> event.set("response", draft.inProgress()));
        events.send("response.in_progress", event -> event.set("response", draft.inProgress()));
        String messageId = Ids.next("msg_");
        events.send("response.output_item.added", event -> {
            event.put("output_index", 0);
            ObjectNode item = messageItem(messageId, "in_progress", null);
            event.set("item", item);
        });
        events.send("response.content_part.added", event -> {
            event.put("item_id", messageId);
            event.put("output_index", 0);
            event.put("content_index", 0);
            event.set("part", outputText(""));
        });
        ChatResponse response = context.runner().stream(request, exchange, token -> {
            if (!token.text().isEmpty()) {
                events.send("response.output_text.delta", event -> {
                    event.put("item_id", messageId);
                    event.put("output_index", 0);
                    event.put("content_index", 0);
                    event.put("delta", token.text());
                    event.putArray("logprobs");
                });
            }
        });
        events.send("response.output_text.done", event -> {
            event.put("item_id", messageId);
            event.put("output_index", 0);
            event.put("content_index", 0);
            event.put("text", response.text());
            event.putArray("logprobs");
        });
        events.send("response.content_part.done", event -> {
            event.put("item_id", messageId);
            event.put("output_index", 0);
            event.put("content_index", 0);
            event.set("part", outputText(response.text()));
        });
        events.send("response.output_item.done", event -> {
            event.put("output_index", 0);
            event.set("item", messageItem(messageId, itemStatus(response), response.text()));
        });
        List<ToolCall> calls = response.toolCalls();
        for (int i = 0; i < calls.size(); i++) {
            ToolCall call = calls.get(i);
            int outputIndex = i + 1;
            String itemId = functionCallItemId(call);
            events.send("response.output_item.added", event -> {
                event.put("output_index", outputIndex);
                event.set("item", functionCallItem(call, "in_progress", ""));
            });
            events.send("response.function_call_arguments.delta", event -> {
                event.put("item_id", itemId);
                event.put("output_index", outputIndex);
                event.put("delta", call.argumentsJson());
            });
            events.send("response.function_call_arguments.done", event -> {
                event.put("item_id", itemId);
                event.put("output_index", outputIndex);
                event.put("name", call.name());
                event.put("arguments", call.argumentsJson());
            });
            events.send("response.output_item.done", event -> {
                event.put("output_index", outputIndex);
                event.set("item", functionCallItem(call, "completed", call.argumentsJson()));
            });
        }
        ObjectNode finished = draft.finished(response, messageId);
        events.send(incomplete(response) ? "response.incomplete" : "response.completed",
                event -> event.set("response", finished));
        exchange.endStream();
    }

    /** Writes typed SSE events numbered by {@code sequence_number}, as the Responses API streams them. */
    private static final class Events {
        private final Exchange exchange;
        private int sequence;

        Events(Exchange exchange) {
            this.exchange = exchange;
        }

        void send(String type, java.util.function.Consumer<ObjectNode> fill) throws IOException {
            ObjectNode event = Json.object();
            event.put("type", type);
            event.put("sequence_number", sequence++);
            fill.accept(event);
            exchange.streamPiece("event: " + type + "\ndata: " + Json.write(event) + "\n\n");
        }
    }

    /** The response object before and after generation; echoes the request's settings as the API does. */
    private record Draft(String id, long createdAt, String model, ObjectNode body, GenerationOptions options) {

        ObjectNode inProgress() {
            ObjectNode response = base("in_progress");
            response.putArray("output");
            response.putNull("usage");
            response.putNull("incomplete_details");
            return response;
        }

        ObjectNode finished(ChatResponse answer, String messageId) {
            ObjectNode response = base(incomplete(answer) ? "incomplete" : "completed");
            if (incomplete(answer)) {
                response.putObject("incomplete_details").put("reason", "max_output_tokens");
            } else {
                response.putNull("incomplete_details");
            }
            ArrayNode output = response.putArray("output");
            if (messageId != null) {
                output.add(messageItem(messageId, itemStatus(answer), answer.text()));
            }
            for (ToolCall call : answer.toolCalls()) {
                output.add(functionCallItem(call, "completed", call.argumentsJson()));
            }
            ObjectNode usage = response.putObject("usage");
            usage.put("input_tokens", answer.usage().promptTokens());
            // a local prefix cache is filled as a side effect of reading the prompt: nothing is billed as a cache write
            usage.putObject("input_tokens_details").put("cached_tokens", answer.usage().cachedPromptTokens())
                    .put("cache_write_tokens", 0);
            usage.put("output_tokens", answer.usage().completionTokens());
            usage.putObject("output_tokens_details").put("reasoning_tokens", 0);
            usage.put("total_tokens", answer.usage().totalTokens());
            return response;
        }

        private ObjectNode base(String status) {
            ObjectNode response = Json.object();
            response.put("id", id);
            response.put("object", "response");
            response.put("created_at", createdAt);
            response.put("status", status);
            response.putNull("error");
            JsonNode instructions = body.get("instructions");
            response.set("instructions", instructions == null ? null : instructions.deepCopy());
            if (options.maxTokens() == GenerationOptions.UNLIMITED) {
                response.putNull("max_output_tokens");
            } else {
                response.put("max_output_tokens", options.maxTokens());
            }
            response.put("model", model);
            response.putObject("metadata");
            response.put("parallel_tool_calls", true);
            response.putNull("previous_response_id");
            response.put("store", false);
            response.put("temperature", options.temperature());
            response.put("top_p", options.topP());
            JsonNode requestedFormat = body.path("text").path("format");
            response.putObject("text").set("format", requestedFormat.isObject() ? requestedFormat.deepCopy()
                    : Json.object().put("type", "text"));
            response.put("tool_choice", "auto");
            JsonNode tools = body.get("tools");
            response.set("tools", tools != null && tools.isArray() ? tools.deepCopy() : Json.array());
            response.put("truncation", "disabled");
            return response;
        }
    }

    private static boolean incomplete(ChatResponse response) {
        return response.finishReason() == FinishReason.LENGTH || response.finishReason() == FinishReason.CONTEXT_FULL;
    }

    /** A message cut by a token limit is itself incomplete, like the response holding it. */
    private static String itemStatus(ChatResponse response) {
        return incomplete(response) ? "incomplete" : "completed";
    }

    private static ObjectNode messageItem(String id, String status, String text) {
        ObjectNode item = Json.object();
        item.put("id", id);
        item.put("type", "message");
        item.put("status", status);
        item.put("role", "assistant");
        ArrayNode content = item.putArray("content");
        if (text != null) {
            content.add(outputText(text));
        }
        return item;
    }

    private static ObjectNode outputText(String text) {
        ObjectNode part = Json.object();
        part.put("type", "output_text");
        part.put("text", text);
        part.putArray("annotations");
        part.putArray("logprobs");
        return part;
    }

    private static String functionCallItemId(ToolCall call) {
        return "fc_" + call.id();
    }

    private static ObjectNode functionCallItem(ToolCall call, String status, String arguments) {
        ObjectNode item = Json.object();
        item.put("id", functionCallItemId(call));
        item.put("type", "function_call");
        item.put("status", status);
        item.put("call_id", call.id());
        item.put("name", call.name());
        item.put("arguments", arguments);
        return item;
    }

    /** {@code instructions} as a system message, then {@code input}: a string or a list of items. */
    /** The Responses API's {@code text.format}: {@code text}, {@code json_object} or {@code json_schema}. */
    private static ResponseFormat responseFormat(ObjectNode text) {
        if (text == null || !text.has("format")) {
            return ResponseFormat.text();
        }
        JsonNode format = text.get("format");
        String type = format.path("type").asText("text");
        return switch (type) {
            case "text" -> ResponseFormat.text();
            case "json_object" -> ResponseFormat.json();
            case "json_schema" -> {
                if (!format.path("schema").isObject()) {
                    throw ApiError.invalidParam("text.format", "text.format 'json_schema' needs 'schema', a JSON Schema "
                            + "object");
                }
                yield ResponseFormat.jsonSchema(format.path("name").asText("response"), Json.write(format.get("schema")),
                        format.path("strict").asBoolean(false));
            }
            default -> throw ApiError.invalidParam("text.format", "text.format '" + type
                    + "' is not supported; use text, json_object or json_schema");
        };
    }

    private static List<Message> messages(ObjectNode body) {
        List<Message> messages = new ArrayList<>();
        String instructions = Json.text(body, "instructions");
        if (instructions != null && !instructions.isEmpty()) {
            messages.add(Message.system(instructions));
        }
        JsonNode input = body.get("input");
        if (input == null || input.isNull()) {
            throw ApiError.invalidParam("input", "'input' is required");
        }
        if (input.isTextual()) {
            messages.add(Message.user(input.asText()));
            return messages;
        }
        if (!input.isArray()) {
            throw ApiError.invalidParam("input", "'input' must be a string or an array of items");
        }
        for (int i = 0; i < input.size(); i++) {
            ObjectNode item = Json.element(input.get(i), "input", i);
            String type = item.path("type").asText("message");
            switch (type) {
                case "message" -> messages.add(message(item, i));
                case "function_call" -> {
                    ToolCall call = new ToolCall(Json.requiredText(item, "call_id"), Json.requiredText(item, "name"),
                            item.path("arguments").asText("{}"));
                    Message previous = messages.isEmpty() ? null : messages.getLast();
                    if (previous != null && previous.role() == Role.ASSISTANT) {
                        // consecutive calls (and the text before them) belong to one assistant turn
                        List<ToolCall> calls = new ArrayList<>(previous.toolCalls());
                        calls.add(call);
                        messages.set(messages.size() - 1, Message.assistant(previous.content(), calls));
                    } else {
                        messages.add(Message.assistant("", List.of(call)));
                    }
                }
                case "function_call_output" -> {
                    JsonNode output = item.get("output");
                    String text = output == null || output.isNull() ? "" : output.isTextual() ? output.asText() : textOf(output, i);
                    messages.add(Message.toolResult(Json.requiredText(item, "call_id"), text));
                }
                default -> throw ApiError.invalidParam("input", "input[" + i + "] has type '" + type
                        + "'; this server accepts message, function_call and function_call_output items");
            }
        }
        if (messages.isEmpty()) {
            throw ApiError.invalidParam("input", "'input' must hold at least one item");
        }
        return messages;
    }

    private static Message message(ObjectNode item, int index) {
        String role = Json.requiredText(item, "role");
        JsonNode content = item.get("content");
        String text = content == null || content.isNull() ? "" : content.isTextual() ? content.asText() : textOf(content, index);
        return switch (role) {
            case "system", "developer" -> Message.system(text);
            case "user" -> Message.user(text);
            case "assistant" -> Message.assistant(text);
            default -> throw ApiError.invalidParam("input", "input[" + index + "] has role '" + role
                    + "'; expected system, developer, user or assistant");
        };
    }

    /** The text of content parts ({@code input_text}, {@code output_text}); other kinds of input are refused. */
    private static String textOf(JsonNode parts, int index) {
        if (!parts.isArray()) {
            throw ApiError.invalidParam("input", "input[" + index + "].content must be a string or an array of parts");
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : parts) {
            String type = part.path("type").asText();
            if (!type.equals("input_text") && !type.equals("output_text") && !type.equals("text")) {
                throw ApiError.invalidParam("input", "input[" + index + "] has a '" + type + "' part; this server accepts text only");
            }
            text.append(part.path("text").asText());
        }
        return text.toString();
    }

    /** Responses tools are flat: {@code {"type":"function","name","description","parameters"}}. */
    private static List<Tool> tools(ObjectNode body) {
        ArrayNode tools = Json.array(body, "tools");
        if (tools == null || "none".equals(body.path("tool_choice").asText())) {
            return List.of();
        }
        List<Tool> result = new ArrayList<>();
        for (int i = 0; i < tools.size(); i++) {
            ObjectNode tool = Json.element(tools.get(i), "tools", i);
            String type = Json.text(tool, "type");
            if (!"function".equals(type)) {
                throw ApiError.invalidParam("tools", "tools[" + i + "] has type '" + type + "'; only 'function' tools are supported");
            }
            result.add(OpenAiFormat.tool(tool, "parameters"));
        }
        return result;
    }
}
