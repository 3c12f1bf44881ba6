package dev.hearth.remote.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.api.ChatRequest;
import dev.hearth.api.ChatResponse;
import dev.hearth.api.Message;

import java.io.IOException;

/**
 * {@code POST /v1/completions}: OpenAI's legacy text completion. The prompt is sent as one user message, which a
 * model without a chat template continues as plain text; streamed as {@code text_completion} events and
 * {@code data: [DONE]}.
 */
final class CompletionsEndpoint implements Endpoint {
    private final ServerContext context;

    CompletionsEndpoint(ServerContext context) {
        this.context = context;
    }

    @Override
    public void handle(Exchange exchange) throws IOException {
        ObjectNode body = exchange.body();
        String model = context.catalog().resolve(Json.text(body, "model"));
        String prompt = prompt(body);
        if (Json.present(body, "suffix")) {
            throw ApiError.invalidParam("suffix", "'suffix' (fill-in-the-middle) is not supported by this server");
        }
        boolean echo = Json.bool(body, "echo", false);
        ChatRequest request = ChatRequest.builder()
                .message(Message.user(prompt))
                .options(OpenAiFormat.options(body, context.defaults(), "max_tokens"))
                .model(model)
                .build();
        String id = Ids.next("cmpl-");
        long created = Ids.nowSeconds();
        if (!Json.bool(body, "stream", false)) {
            ChatResponse response = context.runner().call(request, exchange);
            ObjectNode completion = base(id, created, model);
            choice(completion, (echo ? prompt : "") + response.text(), OpenAiFormat.finishReason(response.finishReason()));
            completion.set("usage", OpenAiFormat.usage(response.usage()));
            exchange.json(200, completion);
            return;
        }
        ObjectNode streamOptions = Json.object(body, "stream_options");
        boolean includeUsage = streamOptions != null && Json.bool(streamOptions, "include_usage", false);
        exchange.startStream("text/event-stream");
        if (echo && !prompt.isEmpty()) {
            exchange.streamPiece(OpenAiFormat.data(piece(id, created, model, prompt, null, includeUsage)));
        }
        ChatResponse response = context.runner().stream(request, exchange, token -> {
            if (!token.text().isEmpty()) {
                exchange.streamPiece(OpenAiFormat.data(piece(id, created, model, token.text(), null, includeUsage)));
            }
        });
        exchange.streamPiece(OpenAiFormat.data(piece(id, created, model, "",
                OpenAiFormat.finishReason(response.finishReason()), includeUsage)));
        if (includeUsage) {
            ObjectNode usage = base(id, created, model);
            usage.putArray("choices");
            usage.set("usage", OpenAiFormat.usage(response.usage()));
            exchange.streamPiece(OpenAiFormat.data(usage));
        }
        exchange.streamPiece(OpenAiFormat.DONE);
        exchange.endStream();
    }

    private static String prompt(ObjectNode body) {
        JsonNode prompt = body.get("prompt");
        if (prompt == null || prompt.isNull()) {
            throw ApiError.invalidParam("prompt", "'prompt' is required");
        }
        if (prompt.isTextual()) {
            return prompt.asText();
        }
        if (prompt.isArray() && prompt.size() == 1 && prompt.get(0).isTextual()) {
            return prompt.get(0).asText();
        }
        throw ApiError.invalidParam("prompt", "'prompt' must be one string (batches and token arrays are not supported)");
    }

    private static ObjectNode piece(String id, long created, String model, String text, String finishReason, boolean includeUsage) {
        ObjectNode node = base(id, created, model);
        choice(node, text, finishReason);
        if (includeUsage) {
            node.putNull("usage");
        }
        return node;
    }

    private static void choice(ObjectNode completion, String text, String finishReason) {
        ObjectNode choice = completion.putArray("choices").addObject();
        choice.put("text", text);
        choice.put("index", 0);
        choice.putNull("logprobs");
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
    }

    private static ObjectNode base(String id, long created, String model) {
        ObjectNode node = Json.object();
        node.put("id", id);
        node.put("object", "text_completion");
        node.put("created", created);
        node.put("model", model);
        node.put("system_fingerprint", "hearth");
        return node;
    }
}
