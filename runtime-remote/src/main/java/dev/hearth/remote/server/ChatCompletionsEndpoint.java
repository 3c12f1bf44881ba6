package dev.hearth.remote.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.api.ChatRequest;
import dev.hearth.api.ChatResponse;
import dev.hearth.api.Message;
import dev.hearth.api.ResponseFormat;
import dev.hearth.api.ToolCall;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /v1/chat/completions}: OpenAI Chat Completions, blocking or streamed as {@code chat.completion.chunk}
 * server-sent events ending in {@code data: [DONE]}, with a usage chunk when {@code stream_options.include_usage}.
 */
final class ChatCompletionsEndpoint implements Endpoint {
    private final ServerContext context;

    ChatCompletionsEndpoint(ServerContext context) {
        this.context = context;
    }

    @Override
    public void handle(Exchange exchange) throws IOException {
        ObjectNode body = exchange.body();
        String model = context.catalog().resolve(Json.text(body, "model"));
        ChatRequest request = ChatRequest.builder()
                .messages(messages(body))
                .tools(OpenAiFormat.chatTools(body))
                .options(OpenAiFormat.chatOptions(body, context.defaults()).toBuilder()
                        .responseFormat(responseFormat(body)).toolChoice(OpenAiFormat.toolChoice(body)).build())
                .model(model)
                .build();
        String id = Ids.next("chatcmpl-");
        long created = Ids.nowSeconds();
        if (!Json.bool(body, "stream", false)) {
            ChatResponse response = context.runner().call(request, exchange);
            exchange.json(200, completion(id, created, model, response));
            return;
        }
        ObjectNode streamOptions = Json.object(body, "stream_options");
        boolean includeUsage = streamOptions != null && Json.bool(streamOptions, "include_usage", false);
        exchange.startStream("text/event-stream");
        exchange.streamPiece(OpenAiFormat.data(chunk(id, created, model, includeUsage, delta -> {
            delta.put("role", "assistant");
            delta.put("content", "");
        }, null)));
        ChatResponse response = context.runner().stream(request, exchange, token -> {
            if (!token.text().isEmpty() || token.logprob().isPresent()) {
                ObjectNode chunk = chunk(id, created, model, includeUsage, delta -> delta.put("content", token.text()),
                        null);
                token.logprob().ifPresent(logprob -> ((ObjectNode) chunk.path("choices").get(0))
                        .set("logprobs", OpenAiFormat.logprobs(List.of(logprob))));
                exchange.streamPiece(OpenAiFormat.data(chunk));
            }
        });
        if (!response.toolCalls().isEmpty()) {
            exchange.streamPiece(OpenAiFormat.data(chunk(id, created, model, includeUsage,
                    delta -> delta.set("tool_calls", toolCalls(response.toolCalls(), true)), null)));
        }
        exchange.streamPiece(OpenAiFormat.data(chunk(id, created, model, includeUsage, delta -> { },
                OpenAiFormat.finishReason(response.finishReason()))));
        if (includeUsage) {
            ObjectNode usage = base(id, created, model, "chat.completion.chunk");
            usage.putArray("choices");
            usage.set("usage", OpenAiFormat.usage(response.usage()));
            exchange.streamPiece(OpenAiFormat.data(usage));
        }
        exchange.streamPiece(OpenAiFormat.DONE);
        exchange.endStream();
    }

    /**
     * OpenAI's {@code response_format} ({@code text}, {@code json_object}, {@code json_schema}) or llama.cpp server's
     * {@code grammar} (GBNF). A runtime that cannot constrain its output refuses the request, which becomes a 400.
     */
    static ResponseFormat responseFormat(ObjectNode body) {
        ObjectNode format = Json.object(body, "response_format");
        String grammar = Json.text(body, "grammar");
        if (grammar != null && !grammar.isBlank()) {
            if (format != null && !"text".equals(format.path("type").asText("text"))) {
                throw ApiError.invalidParam("grammar", "give either 'grammar' or 'response_format', not both");
            }
            return ResponseFormat.grammar(grammar);
        }
        if (format == null) {
            return ResponseFormat.text();
        }
        String type = format.path("type").asText("text");
        return switch (type) {
            case "text" -> ResponseFormat.text();
            case "json_object" -> ResponseFormat.json();
            case "json_schema" -> {
                ObjectNode jsonSchema = Json.object(format, "json_schema");
                if (jsonSchema == null || !jsonSchema.path("schema").isObject()) {
                    throw ApiError.invalidParam("response_format", "response_format 'json_schema' needs "
                            + "json_schema.schema, a JSON Schema object");
                }
                String name = jsonSchema.path("name").asText("response");
                yield ResponseFormat.jsonSchema(name, Json.write(jsonSchema.get("schema")),
                        jsonSchema.path("strict").asBoolean(false));
            }
            default -> throw ApiError.invalidParam("response_format", "response_format '" + type
                    + "' is not supported; use text, json_object or json_schema");
        };
    }

    static List<Message> messages(ObjectNode body) {
        ArrayNode messages = Json.array(body, "messages");
        if (messages == null || messages.isEmpty()) {
            throw ApiError.invalidParam("messages", "'messages' must be a non-empty array");
        }
        List<Message> result = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            ObjectNode message = Json.element(messages.get(i), "messages", i);
            String role = Json.requiredText(message, "role");
            String content = content(message, i);
            result.add(switch (role) {
                case "system", "developer" -> Message.system(content);
                case "user" -> Message.user(content);
                case "assistant" -> Message.assistant(content, assistantToolCalls(message, i));
                case "tool" -> Message.toolResult(Json.requiredText(message, "tool_call_id"), content);
                default -> throw ApiError.invalidParam("messages", "messages[" + i + "] has role '" + role
                        + "'; expected system, developer, user, assistant or tool");
            });
        }
        return result;
    }

    /** A message's content: a string, null (an assistant turn with only tool calls) or an array of text parts. */
    private static String content(ObjectNode message, int index) {
        JsonNode content = message.get("content");
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (!content.isArray()) {
            throw ApiError.invalidParam("messages", "messages[" + index + "].content must be a string or an array of parts");
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : content) {
            String type = part.path("type").asText();
            if (!type.equals("text") && !type.equals("input_text")) {
                throw ApiError.invalidParam("messages", "messages[" + index + "] has a '" + type
                        + "' part; this server accepts text parts only");
            }
            text.append(part.path("text").asText());
        }
        return text.toString();
    }

    private static List<ToolCall> assistantToolCalls(ObjectNode message, int index) {
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
            String arguments = Json.text(function, "arguments");
            result.add(new ToolCall(Json.requiredText(call, "id"), Json.requiredText(function, "name"),
                    arguments == null ? "{}" : arguments));
        }
        return result;
    }

    static ArrayNode toolCalls(List<ToolCall> calls, boolean indexed) {
        ArrayNode array = Json.array();
        for (int i = 0; i < calls.size(); i++) {
            ToolCall call = calls.get(i);
            ObjectNode node = array.addObject();
            if (indexed) {
                node.put("index", i);
            }
            node.put("id", call.id());
            node.put("type", "function");
            ObjectNode function = node.putObject("function");
            function.put("name", call.name());
            function.put("arguments", call.argumentsJson());
        }
        return array;
    }

    private static ObjectNode completion(String id, long created, String model, ChatResponse response) {
        ObjectNode completion = base(id, created, model, "chat.completion");
        ObjectNode choice = completion.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        if (response.text().isEmpty() && !response.toolCalls().isEmpty()) {
            message.putNull("content");
        } else {
            message.put("content", response.text());
        }
        message.putNull("refusal");
        if (!response.toolCalls().isEmpty()) {
            message.set("tool_calls", toolCalls(response.toolCalls(), false));
        }
        if (response.logprobs().isEmpty()) {
            choice.putNull("logprobs");
        } else {
            choice.set("logprobs", OpenAiFormat.logprobs(response.logprobs()));
        }
        choice.put("finish_reason", OpenAiFormat.finishReason(response.finishReason()));
        completion.set("usage", OpenAiFormat.usage(response.usage()));
        return completion;
    }

    private static ObjectNode chunk(String id, long created, String model, boolean includeUsage,
                                    java.util.function.Consumer<ObjectNode> delta, String finishReason) {
        ObjectNode chunk = base(id, created, model, "chat.completion.chunk");
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", 0);
        delta.accept(choice.putObject("delta"));
        choice.putNull("logprobs");
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        if (includeUsage) {
            chunk.putNull("usage");
        }
        return chunk;
    }

    private static ObjectNode base(String id, long created, String model, String object) {
        ObjectNode node = Json.object();
        node.put("id", id);
        node.put("object", object);
        node.put("created", created);
        node.put("model", model);
        node.put("system_fingerprint", "hearth");
        return node;
    }
}
