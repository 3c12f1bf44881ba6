package dev.hearth.remote.providers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A fake provider that "generates" a fixed script of tokens, greedy-deterministic whatever the prompt and sampling:
 * it honours the request's token limit and (where the API has them) its stop sequences, counts one prompt token per
 * word, and answers in the wire format of whichever API the path names, streamed one token per event, or whole.
 */
final class FakeModel implements FakeServer.Reply {
    static final List<String> SCRIPT = List.of("Once", " upon", " a", " time", ",", " a", " little", " fox", " found",
            " a", " lantern", " in", " the", " snow", ".", " It", " glowed", " softly", ",", " and", " the", " fox",
            " carried", " it", " home", " to", " share", " with", " its", " friends", ".");

    private record Generated(List<String> tokens, String finish, String stopSequence, int promptTokens) {
        String text() {
            return String.join("", tokens);
        }
    }

    @Override
    public void respond(HttpExchange exchange) throws IOException {
        JsonNode request = Json.fromProvider("test", (String) exchange.getAttribute("body"));
        String path = exchange.getRequestURI().getPath();
        boolean stream = request.path("stream").asBoolean(false);
        if (path.endsWith("/chat/completions")) {
            openAiChat(exchange, request, stream);
        } else if (path.endsWith("/responses")) {
            responses(exchange, request, stream);
        } else if (path.endsWith("/messages")) {
            anthropic(exchange, request, stream);
        } else if (path.endsWith("/api/chat")) {
            ollama(exchange, request, stream);
        } else {
            FakeServer.send(exchange, 404, "application/json", "{\"error\":\"no such endpoint " + path + "\"}", Map.of());
        }
    }

    private static Generated generate(JsonNode request, int maxTokens, List<String> stops) {
        int prompt = 0;
        for (JsonNode message : request.path("messages")) {
            prompt += words(message.path("content"));
        }
        for (JsonNode item : request.path("input")) {
            prompt += words(item.path("content"));
        }
        prompt += words(request.path("system")) + words(request.path("instructions"));
        List<String> tokens = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (String token : SCRIPT) {
            if (tokens.size() == maxTokens) {
                return new Generated(tokens, "length", null, prompt);
            }
            text.append(token);
            for (String stop : stops) {
                int at = text.indexOf(stop);
                if (at >= 0) {
                    // keep the part of this token before the stop sequence, as a real server would
                    int before = text.length() - token.length();
                    if (at > before) {
                        tokens.add(token.substring(0, at - before));
                    }
                    return new Generated(tokens, "stop_sequence", stop, prompt);
                }
            }
            tokens.add(token);
        }
        return new Generated(tokens, "stop", null, prompt);
    }

    private static int words(JsonNode content) {
        if (content.isTextual()) {
            String text = content.asText().strip();
            return text.isEmpty() ? 0 : text.split("\\s+").length;
        }
        int count = 0;
        for (JsonNode block : content) {
            count += words(block.path("text"));
        }
        return count;
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }

    private static int limit(JsonNode node) {
        return node.isNumber() ? node.asInt() : Integer.MAX_VALUE;
    }

    // ---- OpenAI Chat Completions -----------------------------------------------------------------------------------

    private void openAiChat(HttpExchange exchange, JsonNode request, boolean stream) throws IOException {
        JsonNode max = request.has("max_completion_tokens") ? request.get("max_completion_tokens") : request.path("max_tokens");
        Generated answer = generate(request, limit(max), strings(request.path("stop")));
        String finish = answer.finish().equals("length") ? "length" : "stop";
        String model = request.path("model").asText();
        ObjectNode usage = Json.object().put("prompt_tokens", answer.promptTokens())
                .put("completion_tokens", answer.tokens().size())
                .put("total_tokens", answer.promptTokens() + answer.tokens().size());
        usage.putObject("prompt_tokens_details").put("cached_tokens", 0);
        if (!stream) {
            ObjectNode body = Json.object().put("id", "chatcmpl-fake").put("object", "chat.completion").put("model", model);
            ObjectNode choice = body.putArray("choices").addObject().put("index", 0).put("finish_reason", finish);
            choice.putObject("message").put("role", "assistant").put("content", answer.text());
            body.set("usage", usage);
            FakeServer.send(exchange, 200, "application/json", Json.write(body), Map.of());
            return;
        }
        try (Events events = new Events(exchange, "text/event-stream")) {
            events.sse(null, "{\"id\":\"chatcmpl-fake\",\"object\":\"chat.completion.chunk\",\"model\":\"" + model
                    + "\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}");
            for (String token : answer.tokens()) {
                ObjectNode chunk = Json.object().put("id", "chatcmpl-fake").put("object", "chat.completion.chunk").put("model", model);
                ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
                choice.putObject("delta").put("content", token);
                choice.putNull("finish_reason");
                events.sse(null, Json.write(chunk));
            }
            events.sse(null, "{\"id\":\"chatcmpl-fake\",\"object\":\"chat.completion.chunk\",\"model\":\"" + model
                    + "\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"" + finish + "\"}]}");
            if (request.path("stream_options").path("include_usage").asBoolean(false)) {
                ObjectNode last = Json.object().put("id", "chatcmpl-fake").put("object", "chat.completion.chunk").put("model", model);
                last.putArray("choices");
                last.set("usage", usage);
                events.sse(null, Json.write(last));
            }
            events.sse(null, "[DONE]");
        }
    }

    // ---- OpenAI Responses ------------------------------------------------------------------------------------------

    private void responses(HttpExchange exchange, JsonNode request, boolean stream) throws IOException {
        Generated answer = generate(request, limit(request.path("max_output_tokens")), List.of());
        String model = request.path("model").asText();
        boolean incomplete = answer.finish().equals("length");
        ObjectNode response = Json.object().put("id", "resp_fake").put("object", "response").put("model", model)
                .put("status", incomplete ? "incomplete" : "completed");
        if (incomplete) {
            response.putObject("incomplete_details").put("reason", "max_output_tokens");
        } else {
            response.putNull("incomplete_details");
        }
        ObjectNode message = response.putArray("output").addObject().put("type", "message").put("id", "msg_fake")
                .put("status", "completed").put("role", "assistant");
        message.putArray("content").addObject().put("type", "output_text").put("text", answer.text()).putArray("annotations");
        ObjectNode usage = response.putObject("usage").put("input_tokens", answer.promptTokens())
                .put("output_tokens", answer.tokens().size())
                .put("total_tokens", answer.promptTokens() + answer.tokens().size());
        usage.putObject("input_tokens_details").put("cached_tokens", 0);
        if (!stream) {
            FakeServer.send(exchange, 200, "application/json", Json.write(response), Map.of());
            return;
        }
        try (Events events = new Events(exchange, "text/event-stream")) {
            int sequence = 0;
            events.sse("response.created", "{\"type\":\"response.created\",\"sequence_number\":" + sequence++
                    + ",\"response\":{\"id\":\"resp_fake\",\"object\":\"response\",\"status\":\"in_progress\",\"model\":\""
                    + model + "\",\"output\":[]}}");
            events.sse("response.output_item.added", "{\"type\":\"response.output_item.added\",\"sequence_number\":"
                    + sequence++ + ",\"output_index\":0,\"item\":{\"id\":\"msg_fake\",\"type\":\"message\",\"status\":"
                    + "\"in_progress\",\"role\":\"assistant\",\"content\":[]}}");
            for (String token : answer.tokens()) {
                ObjectNode delta = Json.object().put("type", "response.output_text.delta").put("sequence_number", sequence++)
                        .put("item_id", "msg_fake").put("output_index", 0).put("content_index", 0).put("delta", token);
                events.sse("response.output_text.delta", Json.write(delta));
            }
            String terminal = incomplete ? "response.incomplete" : "response.completed";
            ObjectNode done = Json.object().put("type", terminal).put("sequence_number", sequence);
            done.set("response", response);
            events.sse(terminal, Json.write(done));
        }
    }

    // ---- Anthropic Messages ----------------------------------------------------------------------------------------

    private void anthropic(HttpExchange exchange, JsonNode request, boolean stream) throws IOException {
        Generated answer = generate(request, limit(request.path("max_tokens")), strings(request.path("stop_sequences")));
        String stopReason = switch (answer.finish()) {
            case "length" -> "max_tokens";
            case "stop_sequence" -> "stop_sequence";
            default -> "end_turn";
        };
        String model = request.path("model").asText();
        if (!stream) {
            ObjectNode body = Json.object().put("id", "msg_fake").put("type", "message").put("role", "assistant")
                    .put("model", model).put("stop_reason", stopReason);
            body.put("stop_sequence", answer.stopSequence());
            body.putArray("content").addObject().put("type", "text").put("text", answer.text());
            body.putObject("usage").put("input_tokens", answer.promptTokens()).put("cache_read_input_tokens", 0)
                    .put("cache_creation_input_tokens", 0).put("output_tokens", answer.tokens().size());
            FakeServer.send(exchange, 200, "application/json", Json.write(body), Map.of());
            return;
        }
        try (Events events = new Events(exchange, "text/event-stream")) {
            events.sse("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_fake\",\"type\":\"message\","
                    + "\"role\":\"assistant\",\"content\":[],\"model\":\"" + model + "\",\"stop_reason\":null,"
                    + "\"stop_sequence\":null,\"usage\":{\"input_tokens\":" + answer.promptTokens()
                    + ",\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":1}}}");
            events.sse("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
                    + "{\"type\":\"text\",\"text\":\"\"}}");
            events.sse("ping", "{\"type\": \"ping\"}");
            for (String token : answer.tokens()) {
                ObjectNode delta = Json.object().put("type", "content_block_delta").put("index", 0);
                delta.putObject("delta").put("type", "text_delta").put("text", token);
                events.sse("content_block_delta", Json.write(delta));
            }
            events.sse("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}");
            ObjectNode messageDelta = Json.object().put("type", "message_delta");
            messageDelta.putObject("delta").put("stop_reason", stopReason).put("stop_sequence", answer.stopSequence());
            messageDelta.putObject("usage").put("output_tokens", answer.tokens().size());
            events.sse("message_delta", Json.write(messageDelta));
            events.sse("message_stop", "{\"type\":\"message_stop\"}");
        }
    }

    // ---- Ollama ----------------------------------------------------------------------------------------------------

    private void ollama(HttpExchange exchange, JsonNode request, boolean stream) throws IOException {
        JsonNode options = request.path("options");
        Generated answer = generate(request, limit(options.path("num_predict")), strings(options.path("stop")));
        String model = request.path("model").asText();
        String reason = answer.finish().equals("length") ? "length" : "stop";
        ObjectNode last = Json.object().put("model", model).put("created_at", "2026-11-25T21:00:00Z");
        last.putObject("message").put("role", "assistant").put("content", stream ? "" : answer.text());
        last.put("done_reason", reason).put("done", true).put("total_duration", 4_883_583_458L)
                .put("load_duration", 1_334_875).put("prompt_eval_count", answer.promptTokens())
                .put("prompt_eval_duration", 342_546_000).put("eval_count", answer.tokens().size())
                .put("eval_duration", 4_535_599_000L);
        if (!stream) {
            FakeServer.send(exchange, 200, "application/json", Json.write(last), Map.of());
            return;
        }
        try (Events events = new Events(exchange, "application/x-ndjson")) {
            for (String token : answer.tokens()) {
                ObjectNode line = Json.object().put("model", model).put("created_at", "2026-11-25T21:00:00Z");
                line.putObject("message").put("role", "assistant").put("content", token);
                line.put("done", false);
                events.line(Json.write(line));
            }
            events.line(Json.write(last));
        }
    }

    /** Writes a streamed body, flushing each event so the client sees it at once. */
    private static final class Events implements AutoCloseable {
        private final OutputStream out;

        Events(HttpExchange exchange, String contentType) throws IOException {
            exchange.getResponseHeaders().add("Content-Type", contentType);
            exchange.sendResponseHeaders(200, 0);
            out = exchange.getResponseBody();
        }

        void sse(String event, String data) throws IOException {
            String text = (event == null ? "" : "event: " + event + "\n") + "data: " + data + "\n\n";
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        void line(String json) throws IOException {
            out.write((json + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}
