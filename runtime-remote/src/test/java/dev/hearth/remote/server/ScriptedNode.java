package dev.hearth.remote.server;

import dev.hearth.api.InferenceClient;
import dev.hearth.api.InferenceListener;
import dev.hearth.api.testing.ScriptedRuntime;

import java.util.function.UnaryOperator;

/**
 * A node server on 127.0.0.1 and an ephemeral port over a {@link ScriptedRuntime} (from the api test-jar), for tests
 * of the server's own rules, where the test must decide when tokens come.
 */
final class ScriptedNode implements AutoCloseable {
    static final String MODEL = "scripted-model";

    final ScriptedRuntime runtime;
    final InferenceClient client;
    final NodeServer server;

    ScriptedNode(ScriptedRuntime runtime, UnaryOperator<NodeServer.Builder> configure, InferenceListener... listeners) {
        this.runtime = runtime;
        InferenceClient.Builder builder = InferenceClient.builder().runtime(runtime);
        for (InferenceListener listener : listeners) {
            builder.listener(listener);
        }
        this.client = builder.build();
        try {
            this.server = configure.apply(NodeServer.builder().client(client).bind("127.0.0.1", 0)).build().start();
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    String url(String path) {
        return server.baseUri() + path;
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
