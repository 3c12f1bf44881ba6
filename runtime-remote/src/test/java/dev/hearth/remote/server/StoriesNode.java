package dev.hearth.remote.server;

import dev.hearth.api.InferenceClient;
import dev.hearth.local.Gguf;
import dev.hearth.local.GgufModelSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * A node server on 127.0.0.1 and an ephemeral port, serving the real stories260K model through the local GGUF
 * runtime. Tests load it once per class.
 */
final class StoriesNode implements AutoCloseable {
    static final String MODEL = "stories260K";
    /** A prompt stories260K continues for well over 24 tokens under greedy decoding. */
    static final String PROMPT = "Once upon a time";

    final InferenceClient client;
    final NodeServer server;

    private StoriesNode(InferenceClient client, NodeServer server) {
        this.client = client;
        this.server = server;
    }

    static StoriesNode start() {
        return start(builder -> builder);
    }

    static StoriesNode start(UnaryOperator<NodeServer.Builder> configure) {
        return start(configure, UnaryOperator.identity());
    }

    /** A node whose model spec is adjusted first, e.g. given the ChatML template so it can be offered tools. */
    static StoriesNode start(UnaryOperator<NodeServer.Builder> configure, UnaryOperator<GgufModelSpec> spec) {
        InferenceClient client = InferenceClient.builder()
                .runtime(spec.apply(Gguf.model(model()).threads(1).contextLength(512)))
                .build();
        try {
            NodeServer server = configure.apply(NodeServer.builder().client(client).bind("127.0.0.1", 0)).build().start();
            return new StoriesNode(client, server);
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    static Path model() {
        String root = System.getProperty("hearth.shared.models");
        if (root == null) {
            throw new AssertionError("the hearth.shared.models system property is not set (surefire sets it)");
        }
        Path model = Path.of(root, "gguf", "stories260K.gguf");
        if (!Files.isRegularFile(model)) {
            throw new AssertionError("Test model not found at " + model + ": lay shared/ beside the checkout");
        }
        return model;
    }

    String baseUrl() {
        return server.baseUri().toString();
    }

    @Override
    public void close() {
        try {
            server.close();
        } finally {
            client.close();
        }
    }
}
