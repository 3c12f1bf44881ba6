package dev.hearth.examples;

import dev.hearth.api.InferenceClient;
import dev.hearth.remote.server.NodeServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code hearth serve}: serves a model over HTTP in the OpenAI, Anthropic and Ollama dialects until interrupted
 * (Ctrl-C), so existing SDKs, curl and IDE plugins can use it.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serves a model over HTTP in the OpenAI, Anthropic and Ollama APIs until stopped.",
                "With --cluster NAME the model's layers are spread over the nodes of that cluster (see 'hearth cluster').",
                "Endpoints: /v1/chat/completions, /v1/completions, /v1/responses, /v1/models, /v1/embeddings, /v1/messages,",
                "/api/chat, /api/generate, /api/tags, /health and /metrics."})
final class ServeCommand implements Callable<Integer> {
    @Mixin
    RuntimeOptions runtime;

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--host", description = "address to listen on (default: ${DEFAULT-VALUE}); any other than loopback needs a token",
            defaultValue = "127.0.0.1")
    String host;

    @Option(names = "--port", description = "port to listen on, 0 for any free one (default: ${DEFAULT-VALUE})", defaultValue = "8080")
    int port;

    @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:HEARTH_TOKEN}",
            description = "bearer token clients must send (default: the HEARTH_TOKEN environment variable)")
    String token;

    @Option(names = "--max-concurrent", description = "generations running at once (default: ${DEFAULT-VALUE})", defaultValue = "4")
    int maxConcurrent;

    @Option(names = "--queue", description = "generating requests that may wait for a slot before a 429 (default: ${DEFAULT-VALUE})",
            defaultValue = "32")
    int queue;

    @Option(names = "--cors-origin", paramLabel = "ORIGIN",
            description = "let web pages from ORIGIN (e.g. http://localhost:5173, or * for any) call the node from a browser; "
                    + "repeatable; off by default")
    List<String> corsOrigins = new ArrayList<>();

    @Option(names = "--max-body-bytes", description = "largest request body accepted (default: ${DEFAULT-VALUE})", defaultValue = "8388608")
    long maxBodyBytes;

    private final CountDownLatch started = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile NodeServer server;

    @Override
    public Integer call() throws InterruptedException {
        NodeServer.Builder builder = NodeServer.builder().bind(host, port).maxConcurrentRequests(maxConcurrent)
                .queueCapacity(queue).maxBodyBytes(maxBodyBytes);
        if (token != null && !token.isBlank()) {
            builder.bearerToken(token);
        }
        corsOrigins.forEach(builder::corsOrigin);
        CountDownLatch closed = new CountDownLatch(1);
        // Ctrl-C: the hook wakes this thread and waits (briefly) for it to close the server and the model
        Thread hook = new Thread(() -> {
            stopped.countDown();
            try {
                closed.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "hearth-serve-shutdown");
        try (InferenceClient client = cluster.enabled()
                ? cluster.openClient(runtime.model, runtime.threads, runtime.context) : runtime.openClient();
             NodeServer server = builder.client(client).build().start()) {
            Runtime.getRuntime().addShutdownHook(hook);
            describe(server, client, System.out);
            this.server = server;
            started.countDown();
            stopped.await();
        } finally {
            closed.countDown();
            removeHook(hook);
        }
        return 0;
    }

    /** Waits until the server listens and returns it (for tests and embedding). */
    NodeServer awaitStarted() throws InterruptedException {
        started.await();
        return server;
    }

    /** Makes {@link #call()} close the server and the model and return. */
    void stop() {
        stopped.countDown();
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is already running the hook: nothing to remove
        }
    }

    private void describe(NodeServer server, InferenceClient client, PrintStream out) {
        String model = client.runtimes().getFirst().defaultModel();
        boolean guarded = token != null && !token.isBlank();
        out.println("Serving " + model + " on " + server.baseUri() + (guarded ? " (token required)" : "") + "; Ctrl-C stops.");
        // the example names the variable, never the token itself
        out.println("  curl " + server.baseUri() + "/v1/chat/completions -H 'Content-Type: application/json' \\");
        if (guarded) {
            out.println("    -H \"Authorization: Bearer $HEARTH_TOKEN\" \\");
        }
        out.println("    -d '{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Once upon a time\"}],\"max_tokens\":32}'");
        out.flush();
    }
}
