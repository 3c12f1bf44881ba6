package dev.hearth.remote.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.api.ChatRequest;
import dev.hearth.api.ChatResponse;

import java.io.IOException;

/**
 * {@code POST /api/generate}: Ollama's completion of a prompt (with an optional {@code system} prompt), streamed by
 * default as NDJSON. An empty prompt only loads the model in Ollama; here the model is always loaded, so it answers
 * at once with {@code "done_reason":"load"} as Ollama does.
 */
final class OllamaGenerateEndpoint implements Endpoint {
    private final ServerContext context;

    OllamaGenerateEndpoint(ServerContext context) {
        this.context = context;
    }

    @Override
    public void handle(Exchange exchange) throws IOException {
        ObjectNode body = exchange.body();
        String model = context.catalog().resolve(Json.requiredText(body, "model"));
        OllamaFormat.rejectUnsupported(body);
        if (Json.present(body, "suffix")) {
            throw ApiError.invalidParam("suffix", "'suffix' (fill-in-the-middle) is not supported by this server");
        }
        String prompt = Json.text(body, "prompt");
        if (prompt == null || prompt.isEmpty()) {
            ObjectNode loaded = OllamaFormat.chunk(model);
            loaded.put("response", "");
            loaded.put("done", true);
            loaded.put("done_reason", "load");
            exchange.json(200, loaded);
            return;
        }
        ChatRequest.Builder builder = ChatRequest.builder();
        String system = Json.text(body, "system");
        if (system != null && !system.isEmpty()) {
            builder.system(system);
        }
        ChatRequest request = builder.user(prompt)
                .options(OllamaFormat.options(body, context.defaults()))
                .model(model)
                .build();
        if (!Json.bool(body, "stream", true)) {
            ChatResponse response = context.runner().call(request, exchange);
            ObjectNode answer = OllamaFormat.chunk(model);
            answer.put("response", response.text());
            OllamaFormat.finish(answer, response);
            exchange.json(200, answer);
            return;
        }
        exchange.startStream("application/x-ndjson");
        ChatResponse response = context.runner().stream(request, exchange, token -> {
            if (!token.text().isEmpty()) {
                ObjectNode chunk = OllamaFormat.chunk(model);
                chunk.put("response", token.text());
                chunk.put("done", false);
                exchange.streamPiece(OllamaFormat.line(chunk));
            }
        });
        ObjectNode last = OllamaFormat.chunk(model);
        last.put("response", "");
        OllamaFormat.finish(last, response);
        exchange.streamPiece(OllamaFormat.line(last));
        exchange.endStream();
    }
}
