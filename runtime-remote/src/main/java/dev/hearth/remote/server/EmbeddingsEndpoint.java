package dev.hearth.remote.server;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;

/**
 * {@code POST /v1/embeddings}. The api has no embeddings yet, so every served model answers that it does not support
 * them, in OpenAI's error shape; when runtimes gain embeddings, this class is the one place to change.
 */
final class EmbeddingsEndpoint implements Endpoint {
    private final ServerContext context;

    EmbeddingsEndpoint(ServerContext context) {
        this.context = context;
    }

    @Override
    public void handle(Exchange exchange) throws IOException {
        ObjectNode body = exchange.body();
        String model = context.catalog().resolve(Json.text(body, "model"));
        if (!Json.present(body, "input")) {
            throw ApiError.invalidParam("input", "'input' is required");
        }
        throw ApiError.of(ApiError.Kind.INVALID_REQUEST, "The model '" + model + "' does not support embeddings.",
                "model_not_supported");
    }
}
