package dev.hearth.remote.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.api.ChatRequest;
import dev.hearth.api.ChatResponse;
import dev.hearth.api.Message;
import dev.hearth.api.Tool;
import dev.hearth.api.ToolCall;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;

/**
 * {@code POST /api/chat}: Ollama's chat, streamed by default as NDJSON lines ({@code "done":false} per token, then a
 * {@code "done":true} line with statistics), or one object with {@code "stream":false}.
 */
final class OllamaChatEndpoint implements Endpoint {
    private final ServerContext context;

    OllamaChatEndpoint(ServerContext context) {
        this.context = context;
    }

    @Override
    public void handle(Exchange exchange) throws IOException {
        ObjectNode body = exchange.body();
        String model = context.catalog().resolve(Json.requiredText(body, "model"));
        OllamaFormat.rejectUnsupported(body);
        ChatRequest request = ChatRequest.builder()
                .messages(messages(body))
                .tools(tools(body))
                .options(OllamaFormat.options(body, context.defaults()))
                .model(model)
                .build();
        if (!Json.bool(body, "stream", true)) {
            ChatResponse response = context.runner().call(request, exchange);
            ObjectNode answer = OllamaFormat.chunk(model);
            answer.set("message", message(response.text(), response.toolCalls()));
            OllamaFormat.finish(answer, response);
            exchange.json(200, answer);
            return;
        }
        exchange.startStream("application/x-ndjson");
        ChatResponse response = context.runner().stream(request, exchange, token -> {
            if (!token.text().isEmpty()) {
                ObjectNode chunk = OllamaFormat.chunk(model);
                chunk.set("message", message(token.text(), List.of()));
                chunk.put("done", false);
                exchange.streamPiece(OllamaFormat.line(chunk));
            }
        });
        ObjectNode last = OllamaFormat.chunk(model);
        last.set("message", message("", response.toolCalls()));
        OllamaFormat.finish(last, response);
        exchange.streamPiece(OllamaFormat.line(last));
        exchange.endStream();
    }

    private static ObjectNode message(String content, List<ToolCall> calls) {
        ObjectNode message = Json.object();
        message.put("role", "assistant");
        message.put("content", content);
        if (!calls.isEmpty()) {
            ArrayNode array = message.putArray("tool_calls");
            for (int i = 0; i < calls.size(); i++) {
                ToolCall call = calls.get(i);
                ObjectNode node = array.addObject();
                node.put("id", call.id());
                ObjectNode function = node.putObject("function");
                function.put("index", i);
                function.put("name", call.name());
                JsonNode arguments = Json.parseOrNull(call.argumentsJson());
                function.set("arguments", arguments instanceof ObjectNode object ? object : Json.object().put("arguments", call.argumentsJson()));
            }
        }
        return message;
    }

    /**
     * Ollama's messages. Its tool calls may carry no id and its tool results name the tool rather than the call (or,
     * from older clients such as LangChain4j's, nothing at all: Ollama itself pairs results with calls by order), so
     * calls without an id get one, a result without {@code tool_call_id} answers the oldest unanswered call of its
     * {@code tool_name}, and a result naming neither answers the oldest unanswered call.
     */
    private static List<Message> messages(ObjectNode body) {
        ArrayNode messages = Json.array(body, "messages");
        if (messages == null || messages.isEmpty()) {
            throw ApiError.invalidParam("messages", "'messages' must be a non-empty array");
        }
        SequencedMap<String, String> unanswered = new LinkedHashMap<>(); // call id -> tool name, oldest first
        List<Message> result = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            ObjectNode message = Json.element(messages.get(i), "messages", i);
            String role = Json.requiredText(message, "role");
            String content = Json.text(message, "content");
            content = content == null ? "" : content;
            ArrayNode images = Json.array(message, "images");
            if (images != null && !images.isEmpty()) {
                throw ApiError.invalidParam("messages", "messages[" + i + "] has images; image input is not supported by this server");
            }
            switch (role) {
                case "system" -> result.add(Message.system(content));
                case "user" -> result.add(Message.user(content));
                case "assistant" -> result.add(Message.assistant(content, toolCalls(message, i, unanswered)));
                case "tool" -> {
                    String callId = Json.text(message, "tool_call_id");
                    String toolName = Json.text(message, "tool_name");
                    if (callId == null) {
                        callId = unanswered.entrySet().stream()
                                .filter(call -> toolName == null || call.getValue().equals(toolName))
                                .map(Map.Entry::getKey).findFirst().orElse(toolName);
                    }
                    if (callId == null) {
                        throw ApiError.invalidParam("messages", "messages[" + i
                                + "] is a tool result naming neither tool_name nor tool_call_id, and no earlier tool call is unanswered");
                    }
                    unanswered.remove(callId);
                    result.add(Message.toolResult(callId, content));
                }
                default -> throw ApiError.invalidParam("messages", "messages[" + i + "] has role '" + role
                        + "'; expected system, user, assistant or tool");
            }
        }
        return result;
    }

    private static List<ToolCall> toolCalls(ObjectNode message, int index, SequencedMap<String, String> unanswered) {
        ArrayNode calls = Json.array(message, "tool_calls");
        if (calls == null) {
            return List.of();
        }
        List<ToolCall> result = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            ObjectNode call = Json.element(calls.get(i), "messages[" + index + "].tool_calls", i);
            ObjectNode function = Json.object(call, "function");
            if (function == null) {
                throw ApiError.invalidParam("messages", "messages[" + index + "].tool_calls[" + i + "] needs a 'function'");
            }
            String name = Json.requiredText(function, "name");
            String id = Json.text(call, "id");
            if (id == null) {
                id = "call_" + index + "_" + i;
            }
            JsonNode arguments = function.get("arguments");
            String argumentsJson = arguments == null || arguments.isNull() ? "{}"
                    : arguments.isTextual() ? arguments.asText() : Json.write(arguments);
            result.add(new ToolCall(id, name, argumentsJson));
            unanswered.put(id, name);
        }
        return result;
    }

    private static List<Tool> tools(ObjectNode body) {
        ArrayNode tools = Json.array(body, "tools");
        if (tools == null) {
            return List.of();
        }
        List<Tool> result = new ArrayList<>();
        for (int i = 0; i < tools.size(); i++) {
            ObjectNode tool = Json.element(tools.get(i), "tools", i);
            ObjectNode function = Json.object(tool, "function");
            if (function == null) {
                throw ApiError.invalidParam("tools", "tools[" + i + "] needs a 'function' object");
            }
            result.add(OpenAiFormat.tool(function, "parameters"));
        }
        return result;
    }
}
